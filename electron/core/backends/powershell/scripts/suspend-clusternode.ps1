# Suspend-ClusterNode [-Drain] [-Wait]: low-priority roles are quick-migrated by Windows.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$options = @{ Name = [string]$in.node }
if ($in.drain -eq $true) { $options['Drain'] = $true }
if ($in.wait -eq $true) { $options['Wait'] = $true }
$null = Suspend-ClusterNode @options -Confirm:$false
$data = Get-ClusterNode -Name ([string]$in.node) | Select-Object $StandbyClusterNodeSelect
ConvertTo-StandbyAnswer $data -Depth 4

# Get-VM on this host, optionally one VM by name.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$query = @{}
if ($in.vmName) { $query['Name'] = [string]$in.vmName }
$data = @(Get-VM @query | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4

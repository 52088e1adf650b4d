# Resume-ClusterNode: returns a drained node to service (roles stay where they are).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$null = Resume-ClusterNode -Name ([string]$in.node)
$data = Get-ClusterNode -Name ([string]$in.node) | Select-Object $StandbyClusterNodeSelect
ConvertTo-StandbyAnswer $data -Depth 4

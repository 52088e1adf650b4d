# Get-ClusterNode of the cluster this host belongs to.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = @(Get-ClusterNode | Select-Object $StandbyClusterNodeSelect)
ConvertTo-StandbyAnswer $data -Depth 4

# Get-VMHost of this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = Get-VMHost | Select-Object $StandbyHostSelect
ConvertTo-StandbyAnswer $data -Depth 4

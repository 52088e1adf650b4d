# Get-VM on this host, optionally one VM by name.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = @(if ($in.vmId -or $in.vmName) { Get-StandbyVm $in | Select-Object $StandbyVmSelect } else { Get-VM | Select-Object $StandbyVmSelect })
ConvertTo-StandbyAnswer $data -Depth 4

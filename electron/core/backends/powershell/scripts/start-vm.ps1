# Start-VM of one VM on this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$vm = Get-StandbyVm $in
Start-VM -VM $vm -Confirm:$false
$data = @(Get-VM -Id $vm.VMId | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4

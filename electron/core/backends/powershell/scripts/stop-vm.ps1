# Stop-VM: guest shutdown, or -TurnOff.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$vm = Get-StandbyVm $in
if ($in.turnOff -eq $true) { Stop-VM -VM $vm -TurnOff -Force -Confirm:$false } else { Stop-VM -VM $vm -Force -Confirm:$false }
$data = @(Get-VM -Id $vm.VMId | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4

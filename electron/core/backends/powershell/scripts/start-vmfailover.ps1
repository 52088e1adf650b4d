# Start-VMFailover: -Prepare on the primary, plain or -AsTest on the replica, optionally from a chosen recovery point.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$vm = Get-StandbyVm $in
# Start-VMFailover -AsTest writes the test VM to the output even without -Passthru (DOMAIN.md): every
# call's output is discarded, so the answer stays the one JSON text below.
if ($in.prepare -eq $true) {
    $null = Start-VMFailover -VM $vm -Prepare -Confirm:$false
} elseif ($in.recoverySnapshotName) {
    # Get-VMSnapshot -Name is always a pattern: escape it to match the one point by its name.
    $snapshot = Get-VMSnapshot -VM $vm -Name ([Management.Automation.WildcardPattern]::Escape([string]$in.recoverySnapshotName))
    if ($in.asTest -eq $true) { $null = Start-VMFailover -VMRecoverySnapshot $snapshot -AsTest -Confirm:$false } else { $null = Start-VMFailover -VMRecoverySnapshot $snapshot -Confirm:$false }
} elseif ($in.asTest -eq $true) {
    $null = Start-VMFailover -VM $vm -AsTest -Confirm:$false
} else {
    $null = Start-VMFailover -VM $vm -Confirm:$false
}
$data = @(Get-VM -Id $vm.VMId | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4

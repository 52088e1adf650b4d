# Start-VMFailover: -Prepare on the primary, plain or -AsTest on the replica, optionally from a chosen recovery point.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
if ($in.prepare -eq $true) {
    Start-VMFailover -VMName $name -Prepare -Confirm:$false
} elseif ($in.recoverySnapshotName) {
    $snapshot = Get-VMSnapshot -VMName $name -Name ([string]$in.recoverySnapshotName)
    if ($in.asTest -eq $true) { Start-VMFailover -VMRecoverySnapshot $snapshot -AsTest -Confirm:$false } else { Start-VMFailover -VMRecoverySnapshot $snapshot -Confirm:$false }
} elseif ($in.asTest -eq $true) {
    Start-VMFailover -VMName $name -AsTest -Confirm:$false
} else {
    Start-VMFailover -VMName $name -Confirm:$false
}
$data = @(Get-VM -Name $name | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4

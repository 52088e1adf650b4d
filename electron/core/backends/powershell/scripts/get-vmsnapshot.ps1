# Recovery points of a replica VM (Get-VMSnapshot -SnapshotType Replica or AppConsistentReplica).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
# Get-VMSnapshot -SnapshotType X throws ObjectNotFound when the VM has no point of that type (extended
# replicas never have app-consistent ones; many replicas have none): that is "none", not a failure.
# The VM is addressed by its VMId once known (-VMName is a wildcard pattern and names repeat).
$types = @('Replica', 'AppConsistentReplica')
if ($in.snapshotType) { $types = @([string]$in.snapshotType) }
$vm = if ($in.vmId) { Get-VM -Id ([string]$in.vmId) } else { Get-VM -Name ([string]$in.vmName) }
$data = @()
foreach ($type in $types) {
    try {
        $points = @(Get-VMSnapshot -VM $vm -SnapshotType $type)
    } catch {
        if ([string]$_.CategoryInfo.Category -eq 'ObjectNotFound') { continue }
        throw
    }
    $data += @($points | Select-Object 'Name', 'VMName', @{ n = 'SnapshotType'; e = { ConvertTo-StandbyName $_.SnapshotType } }, @{ n = 'CreationTime'; e = { Format-StandbyDate $_.CreationTime } })
}
ConvertTo-StandbyAnswer $data -Depth 4

# Recovery points of a replica VM (Get-VMSnapshot -SnapshotType Replica or AppConsistentReplica).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$types = @('Replica', 'AppConsistentReplica')
if ($in.snapshotType) { $types = @([string]$in.snapshotType) }
$data = @()
foreach ($type in $types) {
    $data += @(Get-VMSnapshot -VMName ([string]$in.vmName) -SnapshotType $type | Select-Object 'Name', 'VMName', 'SnapshotType', @{ n = "CreationTime"; e = { Format-StandbyDate $_.CreationTime } })
}
ConvertTo-StandbyAnswer $data -Depth 4

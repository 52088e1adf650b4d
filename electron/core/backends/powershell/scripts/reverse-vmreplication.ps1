# Set-VMReplication -Reverse: after a planned failover the former replica replicates back.
# removeExtended: first end the replica's own extended replication (A->B->C): Hyper-V refuses -Reverse
# while B replicates to C (DOMAIN.md). Only while it exists, so a retry after a lost answer does not fail.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$vm = Get-StandbyVm $in
if ($in.removeExtended -eq $true) {
    $extended = @(Get-VMReplication -VM $vm -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Where-Object { [string]$_.ReplicationMode -eq 'Primary' })
    if ($extended.Count -gt 0) { Remove-VMReplication -VM $vm -ReplicationRelationshipType Extended -Confirm:$false }
}
Set-VMReplication -VM $vm -Reverse -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3

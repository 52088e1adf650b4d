# Resume-VMReplication [-Resynchronize | -Continue] of one VM. -Continue: on a failed-over replica that
# extends to a third copy, keep replicating to it instead of reversing (DOMAIN.md, extended replication).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$options = @{}
if ($in.resynchronize -eq $true) { $options['Resynchronize'] = $true }
if ($in.continue -eq $true) { $options['Continue'] = $true }
Resume-VMReplication -VM (Get-StandbyVm $in) @options -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3

# Resume-VMReplication [-Resynchronize] of one VM.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$options = @{}
if ($in.resynchronize -eq $true) { $options['Resynchronize'] = $true }
Resume-VMReplication -VMName ([string]$in.vmName) @options -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3

# Keep-alive: proves the session still runs commands on this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = [ordered]@{ computerName = $env:COMPUTERNAME; at = Format-StandbyDate (Get-Date) }
ConvertTo-StandbyAnswer $data -Depth 3

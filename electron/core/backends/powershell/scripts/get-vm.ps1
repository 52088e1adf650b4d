# Get-VM on this host, optionally one VM by name.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$query = @{}
if ($in.vmName) { $query['Name'] = [string]$in.vmName }
$data = @(Get-VM @query | Select-Object 'Name', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'State', 'Heartbeat', 'ProcessorCount', 'MemoryStartup', 'MemoryAssigned', 'CPUUsage', @{ n = "OperationalStatus"; e = { @($_.OperationalStatus | ForEach-Object { [int]$_ }) } }, 'ReplicationMode', 'ReplicationState', 'ReplicationHealth', 'Notes', @{ n = "UptimeSec"; e = { [int64]$_.Uptime.TotalSeconds } })
ConvertTo-StandbyAnswer $data -Depth 4

# Stop-VM: guest shutdown, or -TurnOff.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
if ($in.turnOff -eq $true) { Stop-VM -Name $name -TurnOff -Force -Confirm:$false } else { Stop-VM -Name $name -Force -Confirm:$false }
$data = @(Get-VM -Name $name | Select-Object 'Name', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'State', 'Heartbeat', 'ProcessorCount', 'MemoryStartup', 'MemoryAssigned', 'CPUUsage', @{ n = "OperationalStatus"; e = { @($_.OperationalStatus | ForEach-Object { [int]$_ }) } }, 'ReplicationMode', 'ReplicationState', 'ReplicationHealth', 'Notes', @{ n = "UptimeSec"; e = { [int64]$_.Uptime.TotalSeconds } })
ConvertTo-StandbyAnswer $data -Depth 4

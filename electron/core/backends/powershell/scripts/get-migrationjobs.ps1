# In-flight migrations on this host, from WMI Msvm_MigrationJob.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$jobs = @(Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName 'Msvm_MigrationJob' -ErrorAction SilentlyContinue)
$data = @($jobs | ForEach-Object {
    [ordered]@{
        InstanceId = [string]$_.InstanceID
        VMName = [string]$_.VirtualSystemName
        SourceHost = $env:COMPUTERNAME
        DestinationHost = [string]$_.DestinationHost
        MigrationType = [int]$_.MigrationType
        JobState = [int]$_.JobState
        PercentComplete = [int]$_.PercentComplete
        StartTime = Format-StandbyDate $_.StartTime
        ElapsedSec = [int64]([datetime]::Now - $(if ($_.StartTime) { $_.StartTime } else { [datetime]::Now })).TotalSeconds
        ErrorDescription = $(if ($_.ErrorDescription) { [string]$_.ErrorDescription } else { $null })
    }
})
ConvertTo-StandbyAnswer $data -Depth 4

# The preamble of every host script. session.ps1 composes each operation once, when it loads it:
#   param([string]$ArgumentsBase64) + this file + try { $in = <decoded argument>; <body> } catch { <error envelope> }
# so each scripts/<operation>.ps1 holds only its body. session.ps1 dot-sources this file itself too.
# ASCII only: Windows PowerShell reads BOM-less files in the ANSI code page.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function ConvertFrom-StandbyArgument([string]$Encoded) {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded))
    $options = @{}
    # PowerShell 7 turns ISO-looking strings into dates unless told otherwise (a VM may be named so).
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $options['DateKind'] = 'String' }
    $json | ConvertFrom-Json @options
}

# Hyper-V hands over local wall-clock times (Kind Unspecified or Local): ToString('o') of those has no
# offset, and the console would read them in its own time zone. In UTC they carry their "Z".
function Format-StandbyDate($Value) {
    if ($null -eq $Value) { return $null }
    ([datetime]$Value).ToUniversalTime().ToString('o')
}

# Enums leave as their names: ConvertTo-Json writes an enum as its integer on 5.1 and 7 alike, and
# integers differ between Windows versions (DOMAIN.md); an object deserialized through remoting may
# hold the name already. Null stays null.
function ConvertTo-StandbyName($Value) {
    if ($null -eq $Value) { return $null }
    [string]$Value
}

# A list leaves as one string joined with the record separator (U+001E, never in a name or message):
# Windows PowerShell 5.1 writes an array-valued calculated property as {"value":[...],"Count":n}
# (PowerShell issue #3163) and 7 as an array; a string reads the same on both.
# A loop, not a pipeline: this runs per VM and per list in every refresh, and a pipeline costs ~1 ms each.
function Join-StandbyList($Items) {
    $texts = foreach ($item in @($Items)) { if ($null -ne $item) { [string]$item } }
    @($texts) -join [string][char]30
}

# The VM a call is about. By VMId once discovered (Get-VM -Id); else by its name taken literally:
# -Name is a case-insensitive wildcard pattern ("[PROD] SQL01" does not match itself, "*" matches
# many) and names need not be unique (DOMAIN.md, "What real hosts do"; Get-VM docs).
function Get-StandbyVm($In) {
    if ($In.vmId) { return Get-VM -Id ([string]$In.vmId) }
    $name = [string]$In.vmName
    $vms = @(Get-VM -Name ([Management.Automation.WildcardPattern]::Escape($name)) -ErrorAction SilentlyContinue | Where-Object { $_.Name -eq $name })
    if ($vms.Count -eq 0) { Write-Error -Category ObjectNotFound -ErrorId 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM' -TargetObject $name -Message ('Hyper-V was unable to find a virtual machine with name "' + $name + '".') }
    if ($vms.Count -gt 1) { Write-Error -Category InvalidArgument -ErrorId 'AmbiguousName,Standby' -TargetObject $name -Message ('More than one virtual machine is named "' + $name + '" on ' + $env:COMPUTERNAME + '; address it by VMId.') }
    $vms[0]
}

# The rows the scripts select, once. Property names are the cmdlets' own.
$StandbyVmSelect = @(
    'Name', @{ n = 'VMId'; e = { [string]$_.VMId } }, 'ComputerName',
    @{ n = 'State'; e = { ConvertTo-StandbyName $_.State } }, @{ n = 'Heartbeat'; e = { ConvertTo-StandbyName $_.Heartbeat } },
    'ProcessorCount', 'MemoryStartup', 'MemoryAssigned', 'CPUUsage', @{ n = 'OperationalStatus'; e = { Join-StandbyList $_.OperationalStatus } },
    @{ n = 'ReplicationMode'; e = { ConvertTo-StandbyName $_.ReplicationMode } }, @{ n = 'ReplicationState'; e = { ConvertTo-StandbyName $_.ReplicationState } },
    @{ n = 'ReplicationHealth'; e = { ConvertTo-StandbyName $_.ReplicationHealth } }, 'Notes', @{ n = 'UptimeSec'; e = { [int64]$_.Uptime.TotalSeconds } }
)
$StandbyReplicationSelect = @(
    'VMName', @{ n = 'VMId'; e = { [string]$_.VMId } }, 'ComputerName',
    @{ n = 'ReplicationMode'; e = { ConvertTo-StandbyName $_.ReplicationMode } }, @{ n = 'ReplicationRelationshipType'; e = { ConvertTo-StandbyName $_.ReplicationRelationshipType } },
    @{ n = 'ReplicationState'; e = { ConvertTo-StandbyName $_.ReplicationState } }, @{ n = 'ReplicationHealth'; e = { ConvertTo-StandbyName $_.ReplicationHealth } },
    'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName',
    @{ n = 'LastReplicationTime'; e = { Format-StandbyDate $_.LastReplicationTime } }
)
$StandbyMeasureSelect = $StandbyReplicationSelect + @(
    'PendingReplicationSize', 'AverageReplicationSize', 'MaximumReplicationSize', 'AverageReplicationLatency',
    'ReplicationErrors', 'SuccessfulReplicationCount', 'MissedReplicationCount',
    @{ n = 'MonitoringStartTime'; e = { Format-StandbyDate $_.MonitoringStartTime } }, @{ n = 'MonitoringEndTime'; e = { Format-StandbyDate $_.MonitoringEndTime } },
    @{ n = 'ReplicationHealthDetails'; e = { Join-StandbyList $_.ReplicationHealthDetails } }, @{ n = 'LastReplicationType'; e = { ConvertTo-StandbyName $_.LastReplicationType } }
)
$StandbyHostSelect = @(
    @{ n = 'Name'; e = { $env:COMPUTERNAME } }, 'LogicalProcessorCount', 'MemoryCapacity', 'MaximumVirtualMachineMigrations', 'MaximumStorageMigrations',
    'VirtualMachineMigrationEnabled', @{ n = 'VirtualMachineMigrationPerformanceOption'; e = { ConvertTo-StandbyName $_.VirtualMachineMigrationPerformanceOption } }
)
$StandbyClusterNodeSelect = @('Name', @{ n = 'Cluster'; e = { [string]$_.Cluster } }, @{ n = 'State'; e = { ConvertTo-StandbyName $_.State } }, @{ n = 'DrainStatus'; e = { ConvertTo-StandbyName $_.DrainStatus } })
# Priority is a number (UInt32: 3000 High, 2000 Medium, 1000 Low, 0 NoAutoStart), not an enum.
$StandbyClusterGroupSelect = @(
    'Name', @{ n = 'Cluster'; e = { [string]$_.Cluster } }, @{ n = 'OwnerNode'; e = { [string]$_.OwnerNode } },
    @{ n = 'State'; e = { ConvertTo-StandbyName $_.State } }, 'Priority', @{ n = 'GroupType'; e = { ConvertTo-StandbyName $_.GroupType } }
)

# The answer of a body: one compressed JSON text, {"ok":true,"data":...}.
function ConvertTo-StandbyAnswer($Data, [int]$Depth = 4) {
    [ordered]@{ ok = $true; data = $Data } | ConvertTo-Json -Depth $Depth -Compress
}

# One VM's failure inside a batched answer (get-vms, stop-vms): the same fields as the error envelope.
function ConvertTo-StandbyItemFailure($Record) {
    [ordered]@{ ok = $false; vm = $null; error = [ordered]@{ id = [string]$Record.FullyQualifiedErrorId; category = [string]$Record.CategoryInfo.Category; message = [string]$Record.Exception.Message; target = [string]$Record.TargetObject } }
}

# The error envelope: what a body threw, as {"ok":false,"error":{id,category,message,target}}.
function ConvertTo-StandbyFailureAnswer($Record) {
    [ordered]@{
        ok = $false
        error = [ordered]@{
            id = [string]$Record.FullyQualifiedErrorId
            category = [string]$Record.CategoryInfo.Category
            message = [string]$Record.Exception.Message
            target = [string]$Record.TargetObject
        }
    } | ConvertTo-Json -Depth 3 -Compress
}

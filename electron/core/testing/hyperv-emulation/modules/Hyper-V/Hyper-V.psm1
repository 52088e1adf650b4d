# An emulation of the Hyper-V module's cmdlets that Standby's host scripts call, written from
# Microsoft's documentation (MicrosoftDocs/windows-powershell-docs, docset/winserver2022-ps/hyper-v/*.md,
# published as https://learn.microsoft.com/powershell/module/hyper-v/<cmdlet>) and DOMAIN.md's
# "What real hosts do that a double easily forgets". Its state is the lab's: every read and change
# goes to WorldBridge (world-bridge.ts). It decides types, shapes and error records itself.
# For tests only: never shipped, never loaded on a real host (it would shadow the real module).

Import-Module (Join-Path $PSScriptRoot '..' 'StandbyEmulation' 'StandbyEmulation.psd1') -Global

$HV = 'Microsoft.HyperV.PowerShell'

function Resolve-HvRefusal {
    # Turns the world's refusal into the error record Hyper-V would write: ObjectNotFound or
    # InvalidOperation ("The operation cannot be performed while the virtual machine is in its current state."),
    # FullyQualifiedErrorId "<Id>,Microsoft.HyperV.PowerShell.Commands.<Verb><Noun>" (our fixtures README).
    param($Cmdlet, $Refusal, [string]$CommandType, $Target)
    $category = switch ($Refusal.Reason) {
        'ObjectNotFound' { 'ObjectNotFound' }
        'OperationTimeout' { 'OperationTimeout' }
        'InvalidArgument' { 'InvalidArgument' }
        'NotImplemented' { 'NotImplemented' }
        default { 'InvalidOperation' }
    }
    $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new($Refusal.Message)
    New-StandbyErrorRecord -Exception $exception -ErrorId "$category,$HV.Commands.$CommandType" -Category $category -Target $Target
}

function Invoke-HvWorld {
    param($Cmdlet, [string]$Name, [string]$Op, [hashtable]$Arguments = @{}, [string]$CommandType, $Target, [switch]$Terminating)
    $value = Invoke-StandbyWorld -Cmdlet $Name -Op $Op -Arguments $Arguments
    if (Test-StandbyRefusal $value) {
        $record = Resolve-HvRefusal -Cmdlet $Cmdlet -Refusal $value -CommandType $CommandType -Target $Target
        if ($Terminating) { $Cmdlet.ThrowTerminatingError($record) }
        $Cmdlet.WriteError($record)
        return
    }
    $value
}

function Get-HvVmRows($Cmdlet, [string]$VMId) {
    # The world's rows, not yet objects: a call builds objects only for the VMs it returns.
    $arguments = if ($VMId) { @{ vmId = $VMId } } else { @{} }
    foreach ($row in @(Invoke-HvWorld -Cmdlet $Cmdlet -Name 'Get-VM' -Op 'vms' -Arguments $arguments -CommandType 'GetVM' -Terminating)) { if ($null -ne $row) { $row } }
}

function ConvertTo-HvVirtualMachine($Rows) {
    # A state the type does not know is a host newer than this module: the conversion throws as
    # PowerShell's cast does, as a real deserialization would; the world only gives Microsoft's names.
    [Standby.Emulation.WorldRows]::VirtualMachines(@($Rows), (Get-StandbyEmulationHost))
}

function Get-HvVirtualMachines($Cmdlet, [string]$VMId) {
    ConvertTo-HvVirtualMachine @(Get-HvVmRows $Cmdlet $VMId)
}

function Select-HvByName {
    # -Name / -VMName are wildcard patterns, case-insensitive ("[PROD] SQL01" matches "P SQL01", not
    # itself; "*" matches many; names need not be unique). DOMAIN.md; about_Wildcards.
    param($Items, [string[]]$Patterns, [string]$Property, $Cmdlet, [string]$CommandType, [switch]$Quiet)
    foreach ($pattern in $Patterns) {
        $wildcard = [System.Management.Automation.WildcardPattern]::new($pattern, [System.Management.Automation.WildcardOptions]::IgnoreCase)
        $found = @(foreach ($item in $Items) { if ($wildcard.IsMatch([string]$item.$Property)) { $item } })
        if ($found.Count -eq 0 -and -not $Quiet -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($pattern)) {
            # Get-VM -Name X with no such VM: "Hyper-V was unable to find a virtual machine with name "X"."
            # (InvalidParameter / InvalidArgument), a non-terminating error as binary cmdlets write it.
            $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new("Hyper-V was unable to find a virtual machine with name `"$pattern`".")
            $Cmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "InvalidParameter,$HV.Commands.$CommandType" -Category InvalidArgument -Target $pattern))
        }
        $found
    }
}

function Resolve-HvTargets {
    # The VMs a cmdlet acts on, from -Name/-VMName patterns or -VM objects (pipeline input).
    param($Cmdlet, [string[]]$Names, $VM, [string]$CommandType)
    if ($null -ne $VM) { return @($VM) }
    $rows = @(Get-HvVmRows $Cmdlet)
    @(ConvertTo-HvVirtualMachine @(Select-HvByName -Items $rows -Patterns $Names -Property 'Name' -Cmdlet $Cmdlet -CommandType $CommandType))
}

function Invoke-HvChange {
    # A change on one VM: the cmdlet blocks until Hyper-V is done, as the real ones do without -AsJob.
    param($Cmdlet, [string]$Name, [string]$CommandType, [string]$Operation, $VM, [hashtable]$Arguments = @{})
    $vmId = if ($null -ne $VM) { [string]$VM.VMId } else { $null }
    $call = @{ operation = $Operation; args = $Arguments }
    if ($vmId) { $call['vmId'] = $vmId }
    $value = Invoke-StandbyWorld -Cmdlet $Name -Op 'act' -Arguments $call
    if (Test-StandbyRefusal $value) {
        $Cmdlet.WriteError((Resolve-HvRefusal -Cmdlet $Cmdlet -Refusal $value -CommandType $CommandType -Target $(if ($VM) { $VM.Name } else { $null })))
        return $false
    }
    $true
}

function Get-HvVMById($Cmdlet, [string]$VMId) {
    @(Get-HvVirtualMachines $Cmdlet $VMId)[0]
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmhost
function Get-VMHost {
    [CmdletBinding()]
    [OutputType([Microsoft.HyperV.PowerShell.VMHost])]
    param([string[]]$ComputerName)
    $row = Invoke-HvWorld -Cmdlet $PSCmdlet -Name 'Get-VMHost' -Op 'host' -CommandType 'GetVMHost' -Terminating
    $h = [Microsoft.HyperV.PowerShell.VMHost]::new()
    $h.Name = [string]$row.Name
    $h.ComputerName = [string]$row.Name
    $h.LogicalProcessorCount = [long]$row.LogicalProcessorCount
    $h.MemoryCapacity = [long]$row.MemoryCapacity
    # MaximumVirtualMachineMigrations defaults to 2 (DOMAIN.md).
    $h.MaximumVirtualMachineMigrations = [uint32]$row.MaximumVirtualMachineMigrations
    $h.MaximumStorageMigrations = [uint32]$row.MaximumStorageMigrations
    $h.VirtualMachineMigrationEnabled = [bool]$row.VirtualMachineMigrationEnabled
    $h.VirtualMachineMigrationPerformanceOption = [string]$row.VirtualMachineMigrationPerformanceOption
    $h
}

# https://learn.microsoft.com/powershell/module/hyper-v/set-vmhost
function Set-VMHost {
    [CmdletBinding(SupportsShouldProcess)]
    param([uint32]$MaximumVirtualMachineMigrations, [uint32]$MaximumStorageMigrations,
        [Microsoft.HyperV.PowerShell.VMMigrationPerformance]$VirtualMachineMigrationPerformanceOption, [switch]$Passthru)
    $changes = @{}
    if ($PSBoundParameters.ContainsKey('MaximumVirtualMachineMigrations')) { $changes['maximumVirtualMachineMigrations'] = $MaximumVirtualMachineMigrations }
    if ($PSBoundParameters.ContainsKey('MaximumStorageMigrations')) { $changes['maximumStorageMigrations'] = $MaximumStorageMigrations }
    if ($PSBoundParameters.ContainsKey('VirtualMachineMigrationPerformanceOption')) { $changes['virtualMachineMigrationPerformanceOption'] = [string]$VirtualMachineMigrationPerformanceOption }
    if (-not $PSCmdlet.ShouldProcess((Get-StandbyEmulationHost), 'Set-VMHost')) { return }
    $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Set-VMHost' -CommandType 'SetVMHost' -Operation 'set-vmhost' -Arguments $changes
    if ($Passthru) { Get-VMHost }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vm
# Parameter sets: Name ([[-Name] <String[]>]), Id ([-Id] <Guid>). -Name accepts wildcards.
function Get-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('VMName')][ValidateNotNullOrEmpty()][string[]]$Name,
        [Parameter(ParameterSetName = 'Id', Position = 0, Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('VMId')][guid]$Id,
        [string[]]$ComputerName
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'Id') {
            $found = @(Get-HvVirtualMachines $PSCmdlet ([string]$Id))
            if ($found.Count -eq 0) {
                $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new("Hyper-V was unable to find a virtual machine with id `"$Id`".")
                $PSCmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "InvalidParameter,$HV.Commands.GetVM" -Category InvalidArgument -Target $Id))
            }
            return $found
        }
        $rows = @(Get-HvVmRows $PSCmdlet)
        if (-not $Name) { return ConvertTo-HvVirtualMachine $rows }
        ConvertTo-HvVirtualMachine @(Select-HvByName -Items $rows -Patterns $Name -Property 'Name' -Cmdlet $PSCmdlet -CommandType 'GetVM')
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/start-vm
function Start-VM {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Name')]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0, Mandatory = $true)][Alias('VMName')][string[]]$Name,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Passthru, [switch]$AsJob
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $Name -VM $VM -CommandType 'StartVM')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Start-VM')) { continue }
            if ((Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Start-VM' -CommandType 'StartVM' -Operation 'start-vm' -VM $target) -and $Passthru) { Get-HvVMById $PSCmdlet $target.VMId }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/stop-vm  (-TurnOff, -Force, -Save)
function Stop-VM {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Name')]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0, Mandatory = $true)][Alias('VMName')][string[]]$Name,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$TurnOff, [switch]$Force, [switch]$Save, [switch]$Passthru, [switch]$AsJob
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $Name -VM $VM -CommandType 'StopVM')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Stop-VM')) { continue }
            if ((Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Stop-VM' -CommandType 'StopVM' -Operation 'stop-vm' -VM $target -Arguments @{ turnOff = [bool]$TurnOff }) -and $Passthru) { Get-HvVMById $PSCmdlet $target.VMId }
        }
    }
}

function Get-HvReplications($Cmdlet, [string]$Name, [string[]]$VMName, $VM, $RelationshipType, [switch]$Statistics, [string]$CommandType) {
    $rows = @(Invoke-HvWorld -Cmdlet $Cmdlet -Name $Name -Op 'replications' -CommandType $CommandType -Terminating)
    # -ReplicationRelationshipType: "If not specified, the cmdlet gets simple replication" (Get-VMReplication,
    # Measure-VMReplication docs); the script asks for Extended separately.
    $type = if ($null -ne $RelationshipType) { [string]$RelationshipType } else { 'Simple' }
    $ofType = @(foreach ($row in $rows) { if ($null -ne $row -and [string]$row.ReplicationRelationshipType -eq $type) { $row } })
    # -VM objects are those VMs (by VMId), not name patterns.
    $ids = if ($VM) { @($VM | ForEach-Object { [string]$_.VMId }) } else { $null }
    $selected = if ($ids) { @(foreach ($row in $ofType) { if ($ids -contains [string]$row.VMId) { $row } }) } elseif (-not $VMName) { $ofType } else { @(Select-HvReplicationRows $Cmdlet $ofType $VMName $CommandType) }
    foreach ($row in $selected) { [Standby.Emulation.WorldRows]::Replication($row, [bool]$Statistics) }
}

function Select-HvReplicationRows($Cmdlet, $Rows, [string[]]$VMName, [string]$CommandType) {
    foreach ($pattern in $VMName) {
        $wildcard = [System.Management.Automation.WildcardPattern]::new($pattern, [System.Management.Automation.WildcardOptions]::IgnoreCase)
        $found = @(foreach ($row in $Rows) { if ($wildcard.IsMatch([string]$row.VMName)) { $row } })
        if ($found.Count -eq 0 -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($pattern)) {
            $exists = @(foreach ($vm in @(Get-HvVmRows $Cmdlet)) { if ($wildcard.IsMatch([string]$vm.Name)) { $vm } }).Count -gt 0
            $message = if ($exists) { "Replication is not enabled for virtual machine '$pattern'." } else { "Hyper-V was unable to find a virtual machine with name `"$pattern`"." }
            $category = if ($exists) { 'ObjectNotFound' } else { 'InvalidArgument' }
            $id = if ($exists) { 'ObjectNotFound' } else { 'InvalidParameter' }
            $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new($message)
            $Cmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "$id,$HV.Commands.$CommandType" -Category $category -Target $pattern))
        }
        $found
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmreplication
function Get-VMReplication {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMReplication])]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Microsoft.HyperV.PowerShell.VMReplicationRelationshipType]$ReplicationRelationshipType,
        [Microsoft.HyperV.PowerShell.VMReplicationMode]$ReplicationMode,
        [string[]]$ComputerName
    )
    process {
        $type = if ($PSBoundParameters.ContainsKey('ReplicationRelationshipType')) { $ReplicationRelationshipType } else { $null }
        $out = @(Get-HvReplications -Cmdlet $PSCmdlet -Name 'Get-VMReplication' -VMName $VMName -VM $VM -RelationshipType $type -CommandType 'GetVMReplication')
        if ($PSBoundParameters.ContainsKey('ReplicationMode')) { $out = @($out | Where-Object { $_.ReplicationMode -eq $ReplicationMode }) }
        $out
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/measure-vmreplication
function Measure-VMReplication {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Microsoft.HyperV.PowerShell.VMReplicationRelationshipType]$ReplicationRelationshipType,
        [Microsoft.HyperV.PowerShell.VMReplicationHealthState]$ReplicationHealth,
        [string[]]$ComputerName
    )
    process {
        $type = if ($PSBoundParameters.ContainsKey('ReplicationRelationshipType')) { $ReplicationRelationshipType } else { $null }
        $out = @(Get-HvReplications -Cmdlet $PSCmdlet -Name 'Measure-VMReplication' -VMName $VMName -VM $VM -RelationshipType $type -Statistics -CommandType 'MeasureVMReplication')
        if ($PSBoundParameters.ContainsKey('ReplicationHealth')) { $out = @($out | Where-Object { $_.ReplicationHealth -eq $ReplicationHealth }) }
        $out
    }
}

function Get-HvReplicatedTargets($Cmdlet, [string[]]$VMName, $VM, [string]$CommandType) {
    @(Resolve-HvTargets -Cmdlet $Cmdlet -Names $VMName -VM $VM -CommandType $CommandType)
}

# https://learn.microsoft.com/powershell/module/hyper-v/suspend-vmreplication
function Suspend-VMReplication {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Microsoft.HyperV.PowerShell.VMReplicationRelationshipType]$ReplicationRelationshipType, [switch]$Passthru
    )
    process {
        foreach ($target in (Get-HvReplicatedTargets $PSCmdlet $VMName $VM 'SuspendVMReplication')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Suspend-VMReplication')) { continue }
            $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Suspend-VMReplication' -CommandType 'SuspendVMReplication' -Operation 'suspend-vmreplication' -VM $target
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/resume-vmreplication
# -Resynchronize, -Continue ("Specifies that the replication is continued..." used on an extended
# replica's new primary after failover to keep B->C, DOMAIN.md "Extended replication A->B->C").
function Resume-VMReplication {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Resynchronize, [switch]$Continue, [datetime]$ResynchronizeStartTime,
        [Microsoft.HyperV.PowerShell.VMReplicationRelationshipType]$ReplicationRelationshipType, [switch]$Passthru
    )
    process {
        foreach ($target in (Get-HvReplicatedTargets $PSCmdlet $VMName $VM 'ResumeVMReplication')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Resume-VMReplication')) { continue }
            $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Resume-VMReplication' -CommandType 'ResumeVMReplication' -Operation 'resume-vmreplication' -VM $target -Arguments @{ resynchronize = [bool]$Resynchronize; continue = [bool]$Continue }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/set-vmreplication
# Parameter sets include -Reverse ("Reverses the replication of a virtual machine") and
# -ReplicationFrequencySec (30, 300 or 900; extended replication 300 or 900 only, DOMAIN.md).
function Set-VMReplication {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Reverse, [int]$ReplicationFrequencySec, [string]$ReplicaServerName, [switch]$AsReplica, [switch]$Passthru
    )
    process {
        foreach ($target in (Get-HvReplicatedTargets $PSCmdlet $VMName $VM 'SetVMReplication')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Set-VMReplication')) { continue }
            $relationships = @(Invoke-StandbyWorld -Cmdlet 'Set-VMReplication' -Op 'replications' | Where-Object { $_ -and [string]$_.VMId -eq [string]$target.VMId })
            if ($Reverse) {
                # Extended replication A->B->C: after failing A over to B, -Reverse is refused while B
                # replicates to C; Resume-VMReplication -Continue keeps B->C (DOMAIN.md, from Microsoft's
                # "Hyper-V Replica extended replication" guidance).
                $extended = @($relationships | Where-Object { [string]$_.ReplicationRelationshipType -eq 'Extended' -and [string]$_.ReplicationMode -eq 'Primary' -and [string]$_.ReplicationState -ne 'Disabled' })
                if ($extended.Count -gt 0) {
                    $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new("Cannot reverse replication for virtual machine '$($target.Name)': it is the primary of an extended replication. Remove the extended replication, or use Resume-VMReplication -Continue to keep replicating to the extended Replica server.")
                    $PSCmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "InvalidOperation,$HV.Commands.SetVMReplication" -Category InvalidOperation -Target $target.Name))
                    continue
                }
                $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Set-VMReplication' -CommandType 'SetVMReplication' -Operation 'reverse-vmreplication' -VM $target
                continue
            }
            if ($PSBoundParameters.ContainsKey('ReplicationFrequencySec')) {
                $own = @($relationships | Where-Object { [string]$_.ReplicationMode -eq 'Primary' })[0]
                $allowed = if ($own -and [string]$own.ReplicationRelationshipType -eq 'Extended') { @(300, 900) } else { @(30, 300, 900) }
                if ($allowed -notcontains $ReplicationFrequencySec) {
                    $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new("The replication frequency $ReplicationFrequencySec seconds is not valid. Valid values are $($allowed -join ', ') seconds.")
                    $PSCmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "InvalidParameter,$HV.Commands.SetVMReplication" -Category InvalidArgument -Target $target.Name))
                    continue
                }
                $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Set-VMReplication' -CommandType 'SetVMReplication' -Operation 'set-vmreplication' -VM $target -Arguments @{ replicationFrequencySec = $ReplicationFrequencySec }
            }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/remove-vmreplication
# Remove-VMReplication [-VMName] <String[]> | [-VM] <VirtualMachine[]> [-ReplicationRelationshipType <Simple | Extended>].
# Only the extended relationship of a failed-over replica is modelled (the step before -Reverse in an
# extended chain, DOMAIN.md); the world refuses anything else with InvalidOperation.
function Remove-VMReplication {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Microsoft.HyperV.PowerShell.VMReplicationRelationshipType]$ReplicationRelationshipType = 'Simple', [switch]$Passthru
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'RemoveVMReplication')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Remove-VMReplication')) { continue }
            if ([string]$ReplicationRelationshipType -ne 'Extended') {
                $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new('The emulation removes only extended replication.')
                $PSCmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "NotImplemented,$HV.Commands.RemoveVMReplication" -Category NotImplemented -Target $target.Name))
                continue
            }
            $null = Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Remove-VMReplication' -CommandType 'RemoveVMReplication' -Operation 'remove-vmreplication' -VM $target
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmsnapshot
# Get-VMSnapshot [-VMName] <String[]> [[-Name] <String>] [-SnapshotType <SnapshotType>]
function Get-VMSnapshot {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSnapshot])]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][string]$Name,
        [Microsoft.HyperV.PowerShell.SnapshotType]$SnapshotType,
        [string[]]$ComputerName
    )
    process {
        $computer = Get-StandbyEmulationHost
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'GetVMSnapshot')) {
            $rows = @(Invoke-HvWorld -Cmdlet $PSCmdlet -Name 'Get-VMSnapshot' -Op 'snapshots' -Arguments @{ vmId = [string]$target.VMId } -CommandType 'GetVMSnapshot' -Target $target.Name -Terminating)
            $found = @(foreach ($row in $rows) { if ($row) { [Standby.Emulation.WorldRows]::Snapshot($row, $computer) } })
            if ($PSBoundParameters.ContainsKey('SnapshotType')) { $found = @($found | Where-Object { $_.SnapshotType -eq $SnapshotType }) }
            # -Name is always a pattern (backticks are consumed), DOMAIN.md.
            if ($PSBoundParameters.ContainsKey('Name')) {
                $wildcard = [System.Management.Automation.WildcardPattern]::new($Name, [System.Management.Automation.WildcardOptions]::IgnoreCase)
                $found = @($found | Where-Object { $wildcard.IsMatch($_.Name) })
            }
            if ($found.Count -eq 0 -and ($PSBoundParameters.ContainsKey('SnapshotType') -or $PSBoundParameters.ContainsKey('Name'))) {
                # "Unable to find a snapshot matching the given criteria." (ObjectNotFound), DOMAIN.md: a
                # VM without app-consistent points makes -SnapshotType AppConsistentReplica throw.
                $exception = [Microsoft.HyperV.PowerShell.VirtualizationException]::new('Unable to find a snapshot matching the given criteria.')
                $PSCmdlet.WriteError((New-StandbyErrorRecord -Exception $exception -ErrorId "ObjectNotFound,$HV.Commands.GetVMSnapshot" -Category ObjectNotFound -Target $target.Name))
                continue
            }
            $found
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/start-vmfailover
# Sets: [-VMName] <String[]> [-Prepare] | [-VMName] [-AsTest] | [-VM] ... | [-VMRecoverySnapshot] <VMSnapshot> [-AsTest];
# [-Passthru]; prompts for confirmation by default (DOMAIN.md: always pass -Confirm:$false).
function Start-VMFailover {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)]
        [Parameter(ParameterSetName = 'VMNameTest', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)]
        [Parameter(ParameterSetName = 'VMObjectTest', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(ParameterSetName = 'Snapshot', Position = 0, Mandatory = $true, ValueFromPipeline = $true)]
        [Parameter(ParameterSetName = 'SnapshotTest', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMSnapshot]$VMRecoverySnapshot,
        [Parameter(ParameterSetName = 'VMName')][Parameter(ParameterSetName = 'VMObject')][switch]$Prepare,
        [Parameter(ParameterSetName = 'VMNameTest', Mandatory = $true)][Parameter(ParameterSetName = 'VMObjectTest', Mandatory = $true)][Parameter(ParameterSetName = 'SnapshotTest', Mandatory = $true)][switch]$AsTest,
        [switch]$Passthru, [switch]$AsJob
    )
    process {
        $targets = if ($VMRecoverySnapshot) { @(Get-HvVMById $PSCmdlet ([string]$VMRecoverySnapshot.VMId)) } else { Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'StartVMFailover' }
        foreach ($target in @($targets)) {
            if ($null -eq $target) { continue }
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Start-VMFailover')) { continue }
            $arguments = @{ prepare = [bool]$Prepare; asTest = [bool]$AsTest }
            if ($VMRecoverySnapshot) { $arguments['recoverySnapshotName'] = [string]$VMRecoverySnapshot.Name }
            if (-not (Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Start-VMFailover' -CommandType 'StartVMFailover' -Operation 'start-vmfailover' -VM $target -Arguments $arguments)) { continue }
            if ($AsTest) {
                # -AsTest writes the new test VM ("<name> - Test") to the output even without -Passthru (DOMAIN.md).
                $testName = "$($target.Name) - Test"
                ConvertTo-HvVirtualMachine @(foreach ($row in @(Get-HvVmRows $PSCmdlet)) { if ([string]$row.Name -eq $testName) { $row } })
            } elseif ($Passthru) {
                Get-HvVMById $PSCmdlet $target.VMId
            }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/stop-vmfailover
# On a test failover: removes the test VM. On a failed-over (not test) Replica: "If the virtual machine
# is running, this cmdlet turns the virtual machine off and cancels failover"; its recovery points stay
# for another Start-VMFailover (Msvm_ReplicationService.RevertFailover). On the primary after -Prepare:
# "cancels that action and restarts replication, which allows you to start the primary virtual machine".
# Refused once Complete-VMFailover removed the other points. The world (the lab's failover.ts) carries
# out which of these applies.
function Stop-VMFailover {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Passthru, [switch]$AsJob
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'StopVMFailover')) {
            # A test VM is addressed through its Replica: Stop-VMFailover -VMName <replica>.
            if ([string]$target.ReplicationMode -eq 'TestReplica') { continue }
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Stop-VMFailover')) { continue }
            if ((Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Stop-VMFailover' -CommandType 'StopVMFailover' -Operation 'stop-vmfailover' -VM $target) -and $Passthru) { Get-HvVMById $PSCmdlet $target.VMId }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/complete-vmfailover
# Commits the failover: all other recovery points are deleted (DOMAIN.md). Prompts by default.
function Complete-VMFailover {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Passthru, [switch]$AsJob
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'CompleteVMFailover')) {
            if (-not $PSCmdlet.ShouldProcess($target.Name, 'Complete-VMFailover')) { continue }
            if ((Invoke-HvChange -Cmdlet $PSCmdlet -Name 'Complete-VMFailover' -CommandType 'CompleteVMFailover' -Operation 'complete-vmfailover' -VM $target) -and $Passthru) { Get-HvVMById $PSCmdlet $target.VMId }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmswitch
function Get-VMSwitch {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('SwitchName')][string[]]$Name, [Microsoft.HyperV.PowerShell.VMSwitchType[]]$SwitchType)
    $computer = Get-StandbyEmulationHost
    $all = @(Invoke-HvWorld -Cmdlet $PSCmdlet -Name 'Get-VMSwitch' -Op 'switches' -CommandType 'GetVMSwitch' -Terminating | Where-Object { $_ } | ForEach-Object {
        $s = [Microsoft.HyperV.PowerShell.VMSwitch]::new()
        $s.Name = [string]$_.Name
        $s.ComputerName = $computer
        $s.SwitchType = [string]$_.SwitchType
        $s
    })
    if ($SwitchType) { $all = @($all | Where-Object { $SwitchType -contains $_.SwitchType }) }
    if (-not $Name) { return $all }
    foreach ($pattern in $Name) {
        $wildcard = [System.Management.Automation.WildcardPattern]::new($pattern, [System.Management.Automation.WildcardOptions]::IgnoreCase)
        $all | Where-Object { $wildcard.IsMatch($_.Name) }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmnetworkadapter
# TestReplicaSwitchName: the switch a test failover VM connects to (Set-VMNetworkAdapter -TestReplicaSwitchName).
function Get-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, Mandatory = $true)][string[]]$VMName,
        [Parameter(ParameterSetName = 'VMObject', Position = 0, Mandatory = $true, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [string]$Name
    )
    process {
        foreach ($target in (Resolve-HvTargets -Cmdlet $PSCmdlet -Names $VMName -VM $VM -CommandType 'GetVMNetworkAdapter')) {
            foreach ($row in @(Invoke-HvWorld -Cmdlet $PSCmdlet -Name 'Get-VMNetworkAdapter' -Op 'adapters' -Arguments @{ vmId = [string]$target.VMId } -CommandType 'GetVMNetworkAdapter' -Terminating)) {
                if ($null -eq $row) { continue }
                $a = [Microsoft.HyperV.PowerShell.VMNetworkAdapter]::new()
                $a.Name = [string]$row.Name
                $a.VMName = [string]$row.VMName
                $a.VMId = [guid]$row.VMId
                $a.SwitchName = [string]$row.SwitchName
                # An unset test switch reads as an empty string, not null.
                $a.TestReplicaSwitchName = [string]$row.TestReplicaSwitchName
                $a
            }
        }
    }
}

Export-ModuleMember -Function Get-VMHost, Set-VMHost, Get-VM, Start-VM, Stop-VM, Get-VMReplication, Measure-VMReplication,
    Suspend-VMReplication, Resume-VMReplication, Set-VMReplication, Remove-VMReplication, Get-VMSnapshot, Start-VMFailover, Stop-VMFailover,
    Complete-VMFailover, Get-VMSwitch, Get-VMNetworkAdapter

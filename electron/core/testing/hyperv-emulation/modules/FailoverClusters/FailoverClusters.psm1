# An emulation of the FailoverClusters cmdlets Standby's scripts call, from Microsoft's documentation
# (https://learn.microsoft.com/powershell/module/failoverclusters/<cmdlet>) and DOMAIN.md. The cluster is
# the lab's (WorldBridge). Objects carry FailoverClusters' types: ClusterNode.State (ClusterNodeState),
# DrainStatus, ClusterGroup.State / GroupType (111 VirtualMachine, 115 VMReplicaBroker), Priority (uint32),
# OwnerNode and Cluster as objects whose ToString() is the name.
# For tests only.

Import-Module (Join-Path $PSScriptRoot '..' 'StandbyEmulation' 'StandbyEmulation.psd1') -Global

$FC = 'Microsoft.FailoverClusters.PowerShell'

function New-FcError([string]$Message, [string]$Id, [System.Management.Automation.ErrorCategory]$Category, $Target, [string]$CommandType) {
    $exception = [Microsoft.FailoverClusters.PowerShell.ClusterCmdletException]::new($Message)
    New-StandbyErrorRecord -Exception $exception -ErrorId "$Id,$FC.$CommandType" -Category $Category -Target $Target
}

function Get-FcWorld($Cmdlet, [string]$CommandType) {
    $value = Get-StandbyClusterWorld
    if (Test-StandbyRefusal $value) { $Cmdlet.ThrowTerminatingError((New-FcError $value.Message 'ClusterCmdletException' InvalidOperation $null $CommandType)) }
    $value
}

$script:View = $null

function Get-FcView($World) {
    # Objects built once per read of the cluster (Get-StandbyClusterWorld caches the read for a burst of
    # calls), indexed by name (ClusterView in WorldRows.cs).
    if ($null -eq $script:View -or -not [object]::ReferenceEquals($script:View.World, $World)) { $script:View = [Standby.Emulation.ClusterView]::new($World) }
    $script:View
}

function Select-FcByName($Items, [string[]]$Names, $Cmdlet, [string]$What, [string]$CommandType) {
    # Cluster object names are matched case-insensitively; an unknown name is ObjectNotFound.
    if (-not $Names) { return $Items }
    foreach ($name in $Names) {
        $found = @(foreach ($item in $Items) { if ($item.Name -ieq $name) { $item } })
        if ($found.Count -eq 0) { $Cmdlet.WriteError((New-FcError "The cluster $What '$name' was not found." 'ObjectNotFound' ObjectNotFound $name $CommandType)) }
        $found
    }
}

# https://learn.microsoft.com/powershell/module/failoverclusters/get-clusternode
function Get-ClusterNode {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [string]$Cluster)
    $world = Get-FcWorld $PSCmdlet 'Commands.GetNodeCommand'
    Select-FcByName (Get-FcView $world).Nodes $Name $PSCmdlet 'node' 'Commands.GetNodeCommand'
}

# https://learn.microsoft.com/powershell/module/failoverclusters/get-clustergroup
function Get-ClusterGroup {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name, [string]$Cluster)
    $world = Get-FcWorld $PSCmdlet 'Commands.GetClusterGroupCommand'
    Select-FcByName (Get-FcView $world).Groups $Name $PSCmdlet 'group' 'Commands.GetClusterGroupCommand'
}

# https://learn.microsoft.com/powershell/module/failoverclusters/get-clusterownernode
# -Group: preferred owners of the group; -Resource: possible owners of the resource
# ("Virtual Machine <name>" is the VM resource of a VM role).
function Get-ClusterOwnerNode {
    [CmdletBinding()]
    param([string]$Group, [string]$Resource, [string]$Cluster)
    $world = Get-FcWorld $PSCmdlet 'Commands.GetClusterOwnerNodeCommand'
    $view = Get-FcView $world
    $list = [Microsoft.FailoverClusters.PowerShell.ClusterOwnerNodeList]::new()
    if ($Group) {
        $g = $view.Group($Group)
        if (-not $g) { $PSCmdlet.ThrowTerminatingError((New-FcError "The cluster group '$Group' was not found." 'ObjectNotFound' ObjectNotFound $Group 'Commands.GetClusterOwnerNodeCommand')) }
        $list.ClusterObject = $g.Name
        $list.OwnerNodes = $view.PreferredOwners($g)
        return $list
    }
    $prefix = 'Virtual Machine '
    $g = if ($Resource -and $Resource.StartsWith($prefix)) { $view.Group($Resource.Substring($prefix.Length)) } else { $null }
    if ($g -and [string]$g.GroupType -ne 'VirtualMachine') { $g = $null }
    if (-not $g) { $PSCmdlet.ThrowTerminatingError((New-FcError "The cluster resource '$Resource' was not found." 'ObjectNotFound' ObjectNotFound $Resource 'Commands.GetClusterOwnerNodeCommand')) }
    $list.ClusterObject = $Resource
    $list.OwnerNodes = $view.PossibleOwners($g)
    $list
}

function Invoke-FcChange($Cmdlet, [string]$Name, [string]$Operation, [hashtable]$Arguments, [string]$CommandType, $Target) {
    $value = Invoke-StandbyWorld -Cmdlet $Name -Op 'act' -Arguments @{ operation = $Operation; args = $Arguments }
    if (Test-StandbyRefusal $value) {
        $category = if ($value.Reason -eq 'ObjectNotFound') { 'ObjectNotFound' } elseif ($value.Reason -eq 'NotImplemented') { 'NotImplemented' } else { 'InvalidOperation' }
        $Cmdlet.ThrowTerminatingError((New-FcError $value.Message 'ClusterCmdletException' $category $Target $CommandType))
    }
}

# https://learn.microsoft.com/powershell/module/failoverclusters/move-clustervirtualmachinerole
# -Name | -VMId, -Node, -MigrationType {TurnOff | Quick | Shutdown | ShutdownForce | Live}, -Wait <int>.
function Move-ClusterVirtualMachineRole {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [guid]$VMId, [Parameter(Position = 1)][string]$Node,
        [ValidateSet('TurnOff', 'Quick', 'Shutdown', 'ShutdownForce', 'Live')][string]$MigrationType = 'Live', [int]$Wait = -1, [string]$Cluster)
    $world = Get-FcWorld $PSCmdlet 'Commands.MoveClusterVirtualMachineRoleCommand'
    $group = if ($Name) { (Get-FcView $world).Group($Name) } else { $null }
    if ($Name -and -not $group) { $PSCmdlet.ThrowTerminatingError((New-FcError "The cluster group '$Name' was not found." 'ObjectNotFound' ObjectNotFound $Name 'Commands.MoveClusterVirtualMachineRoleCommand')) }
    $arguments = @{ vmName = $Name; node = $Node; migrationType = $MigrationType; wait = ($Wait -ne 0) }
    if ($PSBoundParameters.ContainsKey('VMId')) { $arguments['vmId'] = [string]$VMId }
    Invoke-FcChange $PSCmdlet 'Move-ClusterVirtualMachineRole' 'move-vmrole' $arguments 'Commands.MoveClusterVirtualMachineRoleCommand' $Name
    $moved = (Get-FcView (Get-FcWorld $PSCmdlet 'Commands.MoveClusterVirtualMachineRoleCommand')).Group($Name)
    if ($moved) { $moved }
}

# https://learn.microsoft.com/powershell/module/failoverclusters/suspend-clusternode
# -Drain moves the roles off; by default low-priority VMs are quick-migrated, not live-migrated (DOMAIN.md).
function Suspend-ClusterNode {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Position = 0)][string]$Name, [switch]$Drain, [switch]$Wait, [switch]$ForceDrain, [string]$Cluster)
    if (-not $PSCmdlet.ShouldProcess($Name, 'Suspend-ClusterNode')) { return }
    Invoke-FcChange $PSCmdlet 'Suspend-ClusterNode' 'suspend-clusternode' @{ node = $Name; drain = [bool]$Drain; wait = [bool]$Wait } 'Commands.SuspendClusterNodeCommand' $Name
    Get-ClusterNode -Name $Name
}

# https://learn.microsoft.com/powershell/module/failoverclusters/resume-clusternode
function Resume-ClusterNode {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Name, [ValidateSet('Immediate', 'Policy', 'NoFailback')][string]$Failback, [string]$Cluster)
    Invoke-FcChange $PSCmdlet 'Resume-ClusterNode' 'resume-clusternode' @{ node = $Name } 'Commands.ResumeClusterNodeCommand' $Name
    Get-ClusterNode -Name $Name
}

Export-ModuleMember -Function Get-ClusterNode, Get-ClusterGroup, Get-ClusterOwnerNode, Move-ClusterVirtualMachineRole, Suspend-ClusterNode, Resume-ClusterNode

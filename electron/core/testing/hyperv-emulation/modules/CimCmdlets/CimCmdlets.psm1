# Get-CimInstance for the one query the scripts make: root\virtualization\v2 Msvm_MigrationJob
# (https://learn.microsoft.com/windows/win32/hyperv_v2/msvm-migrationjob: PercentComplete, JobState,
# DestinationHost, ErrorDescription, VirtualSystemName, MigrationType, StartTime). PowerShell on Linux has
# no CimCmdlets module, so this stands in for it in the emulation. Tests only.

Import-Module (Join-Path $PSScriptRoot '..' 'StandbyEmulation' 'StandbyEmulation.psd1') -Global

function Get-CimInstance {
    [CmdletBinding()]
    param([string]$Namespace = 'root\cimv2', [Parameter(Position = 0)][string]$ClassName, [string]$Filter, [string]$Query)
    if ($Namespace -ne 'root\virtualization\v2' -or $ClassName -ne 'Msvm_MigrationJob') {
        $record = [System.Management.Automation.ErrorRecord]::new([Exception]::new("The emulation has no CIM class $Namespace $ClassName."), 'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', 'ObjectNotFound', $ClassName)
        $PSCmdlet.WriteError($record)
        return
    }
    foreach ($row in @(Invoke-StandbyWorld -Cmdlet 'Get-CimInstance' -Op 'migrationjobs')) {
        if ($null -eq $row) { continue }
        [pscustomobject]@{
            PSTypeName = 'Microsoft.Management.Infrastructure.CimInstance#root/virtualization/v2/Msvm_MigrationJob'
            InstanceID = [string]$row.InstanceID
            VirtualSystemName = [string]$row.VirtualSystemName
            DestinationHost = [string]$row.DestinationHost
            MigrationType = [uint16]$row.MigrationType
            JobState = [uint16]$row.JobState
            PercentComplete = [uint16]$row.PercentComplete
            StartTime = ConvertFrom-StandbyEpoch $row.StartTime
            ErrorDescription = $row.ErrorDescription
        }
    }
}

Export-ModuleMember -Function Get-CimInstance

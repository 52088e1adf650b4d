@{
    # Emulation of Microsoft's Hyper-V module (tests only): same module name, so the host scripts'
    # calls autoload it through PSModulePath as they autoload the real one on a host.
    RootModule = 'Hyper-V.psm1'
    ModuleVersion = '2.0.0'
    GUID = 'af4bddd0-8583-4ff2-84b2-a33f5c8de8a7'
    Author = 'Standby tests (emulation of Microsoft Corporation''s module)'
    Description = 'Emulated Hyper-V cmdlets backed by the Standby lab world.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-VMHost', 'Set-VMHost', 'Get-VM', 'Start-VM', 'Stop-VM', 'Get-VMReplication', 'Measure-VMReplication',
        'Suspend-VMReplication', 'Resume-VMReplication', 'Set-VMReplication', 'Remove-VMReplication', 'Get-VMSnapshot', 'Start-VMFailover', 'Stop-VMFailover',
        'Complete-VMFailover', 'Get-VMSwitch', 'Get-VMNetworkAdapter')
    CmdletsToExport = @()
    VariablesToExport = @()
    AliasesToExport = @()
}

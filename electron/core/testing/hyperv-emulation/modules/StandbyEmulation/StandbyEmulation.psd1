@{
    RootModule = 'StandbyEmulation.psm1'
    ModuleVersion = '1.0.0'
    GUID = '6f1b0c2e-8a53-4d8e-9d0c-3c1f4a7e2b10'
    Author = 'Standby tests'
    Description = 'Plumbing of the emulated Hyper-V and FailoverClusters modules (tests only).'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-StandbyWorldDate', 'Invoke-StandbyWorld', 'Test-StandbyRefusal', 'Get-StandbyClusterWorld', 'ConvertFrom-StandbyEpoch', 'New-StandbyErrorRecord', 'Get-StandbyEmulationHost')
    CmdletsToExport = @()
    VariablesToExport = @()
    AliasesToExport = @('Get-Date')
}

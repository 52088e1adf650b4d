@{
    RootModule = 'CimCmdlets.psm1'
    ModuleVersion = '7.0.0'
    GUID = 'c3a8b1f7-1b52-4d36-8a9e-0b5d9f4f2f21'
    Author = 'Standby tests'
    Description = 'Get-CimInstance for Msvm_MigrationJob, backed by the Standby lab world (tests only).'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-CimInstance')
    CmdletsToExport = @()
    VariablesToExport = @()
    AliasesToExport = @()
}

@{
    # Emulation of Microsoft's FailoverClusters module (tests only), autoloaded through PSModulePath.
    RootModule = 'FailoverClusters.psm1'
    ModuleVersion = '2.0.0'
    GUID = '2b6a4f4e-4d4f-4c8e-9c62-5d3b0f7f0c11'
    Author = 'Standby tests (emulation of Microsoft Corporation''s module)'
    Description = 'Emulated FailoverClusters cmdlets backed by the Standby lab world.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-ClusterNode', 'Get-ClusterGroup', 'Get-ClusterOwnerNode', 'Move-ClusterVirtualMachineRole', 'Suspend-ClusterNode', 'Resume-ClusterNode')
    CmdletsToExport = @()
    VariablesToExport = @()
    AliasesToExport = @()
}

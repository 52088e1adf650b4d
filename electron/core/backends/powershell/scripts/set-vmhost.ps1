# Set-VMHost: concurrent live migrations and the migration performance option.
# Runs on a Hyper-V host through Invoke-Command; its one argument is base64 of UTF-8 JSON.
param([Parameter(Mandatory = $true)][string]$ArgumentsBase64)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function ConvertFrom-StandbyArgument([string]$Encoded) {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded))
    $options = @{}
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $options['DateKind'] = 'String' }
    $json | ConvertFrom-Json @options
}

function Format-StandbyDate($Value) {
    if ($null -eq $Value) { return $null }
    ([datetime]$Value).ToString('o')
}

try {
    $in = ConvertFrom-StandbyArgument $ArgumentsBase64
    $options = @{}
    if ($null -ne $in.maximumVirtualMachineMigrations) { $options['MaximumVirtualMachineMigrations'] = [int]$in.maximumVirtualMachineMigrations }
    if ($in.virtualMachineMigrationPerformanceOption) { $options['VirtualMachineMigrationPerformanceOption'] = [string]$in.virtualMachineMigrationPerformanceOption }
    Set-VMHost @options -Confirm:$false
    $data = Get-VMHost | Select-Object @{ n = "Name"; e = { $env:COMPUTERNAME } }, 'LogicalProcessorCount', 'MemoryCapacity', 'MaximumVirtualMachineMigrations', 'MaximumStorageMigrations', 'VirtualMachineMigrationEnabled', 'VirtualMachineMigrationPerformanceOption'
    [ordered]@{ ok = $true; data = $data } | ConvertTo-Json -Depth 4 -Compress
} catch {
    [ordered]@{
        ok = $false
        error = [ordered]@{
            id = [string]$_.FullyQualifiedErrorId
            category = [string]$_.CategoryInfo.Category
            message = [string]$_.Exception.Message
            target = [string]$_.TargetObject
        }
    } | ConvertTo-Json -Depth 3 -Compress
}

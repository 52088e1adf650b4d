# Virtual switches of a Hyper-V host (Get-VMSwitch): the test-failover network must exist on the DR host.
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

try {
    $null = ConvertFrom-StandbyArgument $ArgumentsBase64
    $data = @(Get-VMSwitch | Select-Object 'Name', @{ n = 'SwitchType'; e = { [int]$_.SwitchType } })
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

# Suspend-ClusterNode [-Drain] [-Wait]: low-priority roles are quick-migrated by Windows.
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
    $options = @{ Name = [string]$in.node }
    if ($in.drain -eq $true) { $options['Drain'] = $true }
    if ($in.wait -eq $true) { $options['Wait'] = $true }
    $null = Suspend-ClusterNode @options -Confirm:$false
    $data = Get-ClusterNode -Name ([string]$in.node) | Select-Object 'Name', @{ n = "Cluster"; e = { [string]$_.Cluster } }, 'State', 'DrainStatus'
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

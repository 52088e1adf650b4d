# The preamble of every host script. session.ps1 composes each operation once, when it loads it:
#   param([string]$ArgumentsBase64) + this file + try { $in = <decoded argument>; <body> } catch { <error envelope> }
# so each scripts/<operation>.ps1 holds only its body. session.ps1 dot-sources this file itself too.
# ASCII only: Windows PowerShell reads BOM-less files in the ANSI code page.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function ConvertFrom-StandbyArgument([string]$Encoded) {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded))
    $options = @{}
    # PowerShell 7 turns ISO-looking strings into dates unless told otherwise (a VM may be named so).
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $options['DateKind'] = 'String' }
    $json | ConvertFrom-Json @options
}

function Format-StandbyDate($Value) {
    if ($null -eq $Value) { return $null }
    ([datetime]$Value).ToString('o')
}

# The answer of a body: one compressed JSON text, {"ok":true,"data":...}.
function ConvertTo-StandbyAnswer($Data, [int]$Depth = 4) {
    [ordered]@{ ok = $true; data = $Data } | ConvertTo-Json -Depth $Depth -Compress
}

# The error envelope: what a body threw, as {"ok":false,"error":{id,category,message,target}}.
function ConvertTo-StandbyFailureAnswer($Record) {
    [ordered]@{
        ok = $false
        error = [ordered]@{
            id = [string]$Record.FullyQualifiedErrorId
            category = [string]$Record.CategoryInfo.Category
            message = [string]$Record.Exception.Message
            target = [string]$Record.TargetObject
        }
    } | ConvertTo-Json -Depth 3 -Compress
}

# The plumbing the emulated Hyper-V and FailoverClusters modules share: the types (compiled once by the
# test setup, or from source), the call to the lab world behind them (WorldBridge in world-bridge.ts, over
# HTTP on 127.0.0.1 with a token), and error records built the way binary cmdlets build theirs.
# Not a module of Windows: it exists only in the emulation.

if (-not ('Microsoft.HyperV.PowerShell.VMState' -as [type])) {
    if ($env:STANDBY_EMULATION_TYPES -and (Test-Path -LiteralPath $env:STANDBY_EMULATION_TYPES)) {
        Add-Type -LiteralPath $env:STANDBY_EMULATION_TYPES
    } else {
        Add-Type -Path (Join-Path $PSScriptRoot 'HyperVTypes.cs'), (Join-Path $PSScriptRoot 'WorldRows.cs')
    }
}

$script:ClusterCache = $null
$script:ClusterCacheAt = [datetime]::MinValue
$script:HttpClient = $null

function Get-StandbyEmulationHost {
    # The host a session runs on: the ssh wrapper sets COMPUTERNAME from the address the client dialled.
    if ($env:COMPUTERNAME) { return $env:COMPUTERNAME }
    [Environment]::MachineName
}

function Invoke-StandbyWorld {
    param([string]$Cmdlet, [string]$Op, [hashtable]$Arguments = @{})
    if (-not $env:STANDBY_EMULATION_URL) { throw 'STANDBY_EMULATION_URL is not set: the emulation has no world to ask.' }
    if ($null -eq $script:HttpClient) {
        $script:HttpClient = [System.Net.Http.HttpClient]::new()
        $script:HttpClient.Timeout = [System.Threading.Timeout]::InfiniteTimeSpan
    }
    $body = [ordered]@{ host = (Get-StandbyEmulationHost); shell = [string]$env:STANDBY_EMU_SHELL; cmdlet = $Cmdlet; op = $Op; args = $Arguments } | ConvertTo-Json -Depth 6 -Compress
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $env:STANDBY_EMULATION_URL)
    $request.Headers.Add('x-standby-token', $env:STANDBY_EMULATION_TOKEN)
    $request.Content = [System.Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')
    $response = $script:HttpClient.SendAsync($request).GetAwaiter().GetResult()
    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    $answer = ConvertFrom-Json -InputObject $text -DateKind String
    if ($Op -eq 'act') { $script:ClusterCache = $null }
    if ($answer.ok) { return $answer.value }
    [pscustomobject]@{ Reason = [string]$answer.error.reason; Message = [string]$answer.error.message }
}

function Test-StandbyRefusal($Value) {
    ($Value -is [pscustomobject]) -and ($null -ne $Value.PSObject.Properties['Reason']) -and ($null -ne $Value.PSObject.Properties['Message']) -and (@($Value.PSObject.Properties).Count -eq 2)
}

function Get-StandbyClusterWorld {
    # One read of the cluster per command burst: a Get-ClusterGroup pipeline calls Get-ClusterOwnerNode
    # per group, which on a real cluster is a call to the cluster service each time.
    if ($null -ne $script:ClusterCache -and ([datetime]::UtcNow - $script:ClusterCacheAt).TotalMilliseconds -lt 500) { return $script:ClusterCache }
    $value = Invoke-StandbyWorld -Cmdlet 'Get-Cluster' -Op 'cluster'
    $script:ClusterCache = $value
    $script:ClusterCacheAt = [datetime]::UtcNow
    $value
}

function ConvertFrom-StandbyEpoch($Milliseconds) {
    # The world keeps time as epoch ms (UTC). Hyper-V returns local DateTime values (Kind Local): a
    # script that formats them with ToString('o') gets the host's offset (DOMAIN.md).
    if ($null -eq $Milliseconds) { return $null }
    [DateTimeOffset]::FromUnixTimeMilliseconds([int64]$Milliseconds).LocalDateTime
}

function New-StandbyErrorRecord {
    # Binary cmdlets report ErrorId,FullCommandTypeName as FullyQualifiedErrorId (e.g.
    # "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM", DOMAIN.md / our fixtures).
    param([Exception]$Exception, [string]$ErrorId, [System.Management.Automation.ErrorCategory]$Category, $Target)
    [System.Management.Automation.ErrorRecord]::new($Exception, $ErrorId, $Category, $Target)
}

# The host's clock is the world's: with STANDBY_EMULATION_CLOCK=world, Get-Date without arguments tells
# the lab's time (as a local DateTime, as Get-Date does), so a script's collectedAt matches its data.
function Get-StandbyWorldDate {
    if ($args.Count -eq 0 -and -not $MyInvocation.ExpectingInput) { return ConvertFrom-StandbyEpoch (Invoke-StandbyWorld -Cmdlet 'Get-Date' -Op 'now') }
    Microsoft.PowerShell.Utility\Get-Date @args
}
if ($env:STANDBY_EMULATION_CLOCK -eq 'world') {
    Set-Alias -Name Get-Date -Value Get-StandbyWorldDate
    Export-ModuleMember -Alias Get-Date
}

Export-ModuleMember -Function Get-StandbyWorldDate, Invoke-StandbyWorld, Test-StandbyRefusal, Get-StandbyClusterWorld, ConvertFrom-StandbyEpoch, New-StandbyErrorRecord, Get-StandbyEmulationHost

# Runs in the local shell that node-powershell starts, once per site. It opens one PSSession per
# cluster node and forwards each operation to the right sessions with Invoke-Command, so the scripts
# run on the hosts themselves (no second hop for reads) and one line from Node costs one round trip.
param([Parameter(Mandatory = $true)][string]$ArgumentsBase64)

# Only the settings are decoded here by hand: the preamble (and its ConvertFrom-StandbyArgument) is
# found through them. They hold no date-like text, so ConvertFrom-Json's date guessing cannot bite.
$settings = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ArgumentsBase64)) | ConvertFrom-Json
$StandbyPreamble = [IO.File]::ReadAllText((Join-Path ([string]$settings.scriptDirectory) 'host-preamble.ps1'))
# The same preamble the host scripts get: preferences, UTF-8 output, ConvertFrom-StandbyArgument...
. ([ScriptBlock]::Create($StandbyPreamble))

# One host script = param + preamble + try { decoded argument; body } catch { error envelope }.
# The body must parse on its own first, so it cannot close the try block it is placed in or carry
# its own param block; a body that breaks either fails the session's start, not a call.
function New-StandbyHostScript([string]$Name, [string]$Body) {
    try { $null = [ScriptBlock]::Create($Body) } catch { throw "Script $Name does not parse: $($_.Exception.Message)" }
    if ($Body -match '(?im)^\s*param\s*\(') { throw "Script $Name has a param block: the preamble gives it `$in." }
    $nl = [Environment]::NewLine
    $text = 'param([Parameter(Mandatory = $true)][string]$ArgumentsBase64)' + $nl + $StandbyPreamble + $nl +
        'try {' + $nl + '$in = ConvertFrom-StandbyArgument $ArgumentsBase64' + $nl + $Body + $nl +
        '} catch {' + $nl + 'ConvertTo-StandbyFailureAnswer $_' + $nl + '}' + $nl
    [ScriptBlock]::Create($text)
}

function ConvertTo-StandbyError($Record, [string]$ComputerName) {
    [ordered]@{
        computerName = $ComputerName
        id = [string]$Record.FullyQualifiedErrorId
        category = [string]$Record.CategoryInfo.Category
        message = [string]$Record.Exception.Message
    }
}

# Invoke-Command's refusal of a session that is no longer Opened (resource ICMNoValidRunspaces, in the
# host's language), or the transport failing under it: the command never reached the node.
$global:StandbyNoValidSessions = try {
    [System.Resources.ResourceManager]::new('System.Management.Automation.resources.RemotingErrorIdStrings', [System.Management.Automation.PSObject].Assembly).GetString('ICMNoValidRunspaces')
} catch { 'No valid sessions were specified.' }
function Test-StandbySessionGone($Record) {
    $Record.Exception -is [System.Management.Automation.Remoting.PSRemotingTransportException] -or
        $Record.Exception -is [System.Management.Automation.Runspaces.InvalidRunspaceStateException] -or
        [string]$Record.FullyQualifiedErrorId -like 'NoValidRunspaces*' -or
        ($global:StandbyNoValidSessions -and [string]$Record.Exception.Message -eq $global:StandbyNoValidSessions)
}

function ConvertTo-StandbyJsonString([string]$Value) {
    ConvertTo-Json -InputObject $Value -Compress
}

$global:StandbySite = @{
    Scripts = @{}
    Sessions = @{}
    NodesByCluster = @{}
    Errors = @{}
    Connection = $null
}
foreach ($name in @($settings.operations)) {
    if ($name -notmatch '^[a-z][a-z0-9-]{0,63}$') { throw "Not an operation name: $name" }
    $path = Join-Path $settings.scriptDirectory ($name + '.ps1')
    $global:StandbySite.Scripts[$name] = New-StandbyHostScript $name ([IO.File]::ReadAllText($path))
}

function New-StandbySessionOptions($Connection) {
    $options = @{ ErrorAction = 'Stop' }
    if ($Connection.username) {
        $secure = ConvertTo-SecureString -String ([string]$Connection.password) -AsPlainText -Force
        $options['Credential'] = New-Object System.Management.Automation.PSCredential ([string]$Connection.username, $secure)
    }
    if ($Connection.configurationName) { $options['ConfigurationName'] = [string]$Connection.configurationName }
    if ($Connection.authentication -and $Connection.authentication -ne 'Default') { $options['Authentication'] = [string]$Connection.authentication }
    if ($Connection.useSsl) { $options['UseSSL'] = $true }
    $options['SessionOption'] = New-PSSessionOption -OpenTimeout ([int]$Connection.connectTimeoutMs) -OperationTimeout ([int]$Connection.operationTimeoutMs) -IdleTimeout 7200000
    $options
}

# PowerShell 7 remoting over SSH (New-PSSession -HostName ... -SSHTransport): the host runs OpenSSH with a
# `powershell` subsystem. Credentials are ssh's: a user name, a key file, or what the ssh config says.
function New-StandbySshOptions($Connection) {
    $options = @{ ErrorAction = 'Stop'; SSHTransport = $true; ConnectingTimeout = [int]$Connection.connectTimeoutMs }
    $user = if ($Connection.sshUserName) { [string]$Connection.sshUserName } elseif ($Connection.username) { [string]$Connection.username } else { $null }
    if ($user) { $options['UserName'] = $user }
    if ($Connection.sshKeyFilePath) { $options['KeyFilePath'] = [string]$Connection.sshKeyFilePath }
    if ($Connection.sshPort) { $options['Port'] = [int]$Connection.sshPort }
    # ssh's own diagnostics ("Connection refused" while a host is down) reach the console's stdout late, inside
    # the next answer, which then reads as corrupt and loses the site; PowerShell's error record still says the
    # connection failed. -Options passes ssh_config settings (PowerShell 7.3+, about_Remote_Requirements).
    $options['Options'] = @{ LogLevel = 'QUIET' }
    $options
}

function New-StandbyNodeSession([string]$Node, $Connection) {
    if ([string]$Connection.transport -eq 'ssh') {
        $ssh = New-StandbySshOptions $Connection
        return New-PSSession -HostName $Node @ssh
    }
    $options = New-StandbySessionOptions $Connection
    New-PSSession -ComputerName $Node @options
}

function Get-StandbyNodeStatus {
    foreach ($cluster in $global:StandbySite.NodesByCluster.Keys) {
        foreach ($node in $global:StandbySite.NodesByCluster[$cluster]) {
            $session = $global:StandbySite.Sessions[$node]
            $connected = ($null -ne $session) -and ($session.State -eq 'Opened') -and ([string]$session.Availability -eq 'Available')
            [ordered]@{
                computerName = $node
                cluster = $cluster
                connected = $connected
                error = $global:StandbySite.Errors[$node]
            }
        }
    }
}

function Connect-StandbyNode([string]$Node, [string]$Cluster) {
    try {
        $old = $global:StandbySite.Sessions[$Node]
        if ($null -ne $old) { Remove-PSSession -Session $old -ErrorAction SilentlyContinue }
        $global:StandbySite.Sessions[$Node] = New-StandbyNodeSession $Node $global:StandbySite.Connection
        $global:StandbySite.Errors[$Node] = $null
    } catch {
        $global:StandbySite.Sessions[$Node] = $null
        $global:StandbySite.Errors[$Node] = ConvertTo-StandbyError $_ $Node
    }
}

function Connect-StandbySite($Request) {
    $global:StandbySite.Connection = $Request
    foreach ($endpoint in @($Request.clusters)) {
        $nodes = @($endpoint.nodes | Where-Object { $_ })
        if ($nodes.Count -eq 0) {
            $discover = { @(Get-ClusterNode | ForEach-Object { [string]$_.Name }) }
            if ([string]$Request.transport -eq 'ssh') {
                $options = New-StandbySshOptions $Request
                $nodes = @(Invoke-Command -HostName ([string]$endpoint.cluster) @options -ScriptBlock $discover)
            } else {
                $options = New-StandbySessionOptions $Request
                $options.Remove('SessionOption')
                $nodes = @(Invoke-Command -ComputerName ([string]$endpoint.cluster) @options -ScriptBlock $discover)
            }
        }
        $global:StandbySite.NodesByCluster[[string]$endpoint.cluster] = @($nodes | ForEach-Object { [string]$_ })
        foreach ($node in $nodes) { Connect-StandbyNode ([string]$node) ([string]$endpoint.cluster) }
    }
    [ordered]@{ psVersion = $PSVersionTable.PSVersion.ToString(); nodes = @(Get-StandbyNodeStatus) }
}

# The node name as the profile spells it: PSComputerName of an SSH session is the lower-cased host name.
function Resolve-StandbyNodeName([string]$Name) {
    foreach ($known in @($global:StandbySite.Sessions.Keys)) { if ($known -ieq $Name) { return [string]$known } }
    $Name
}

function Select-StandbySessions($Route) {
    $names = @()
    switch ([string]$Route.kind) {
        'node' { $names = @([string]$Route.computerName) }
        'cluster' {
            $candidates = @($global:StandbySite.NodesByCluster[[string]$Route.cluster])
            $names = @($candidates | Where-Object { $s = $global:StandbySite.Sessions[$_]; $s -and $s.State -eq 'Opened' } | Select-Object -First 1)
        }
        'cluster-nodes' { $names = @($global:StandbySite.NodesByCluster[[string]$Route.cluster]) }
        'site' { $names = @($global:StandbySite.Sessions.Keys) }
        default { throw "Unknown route kind: $($Route.kind)" }
    }
    $sessions = @()
    $missing = @()
    foreach ($name in $names) {
        $session = $global:StandbySite.Sessions[$name]
        if ($session -and $session.State -eq 'Opened' -and [string]$session.Availability -eq 'Available') { $sessions += $session } else { $missing += [string]$name }
    }
    @{ Sessions = $sessions; Missing = $missing }
}

function Invoke-StandbyOperation([string]$Operation, [string]$Encoded) {
    try {
        $request = ConvertFrom-StandbyArgument $Encoded
        switch ($Operation) {
            'connect-site' {
                $data = Connect-StandbySite $request
                return ([ordered]@{ ok = $true; data = $data } | ConvertTo-Json -Depth 6 -Compress)
            }
            'site-status' {
                # A session whose remote end died (process killed, server gone) still reads Opened until
                # it is used: touch every open one, so the status below tells the truth.
                # One at a time (a dead one throws for a whole batch); one that fails is dropped with its error.
                foreach ($node in @($global:StandbySite.Sessions.Keys)) {
                    $open = $global:StandbySite.Sessions[$node]
                    if (-not $open -or $open.State -ne 'Opened') { continue }
                    try {
                        $null = Invoke-Command -Session $open -ScriptBlock { $true } -ErrorAction Stop
                    } catch {
                        $global:StandbySite.Errors[$node] = ConvertTo-StandbyError $_ $node
                        Remove-PSSession -Session $open -ErrorAction SilentlyContinue
                        $global:StandbySite.Sessions[$node] = $null
                    }
                }
                foreach ($node in @($request.reconnect)) {
                    $cluster = @($global:StandbySite.NodesByCluster.Keys | Where-Object { $global:StandbySite.NodesByCluster[$_] -contains $node })[0]
                    if ($cluster) { Connect-StandbyNode ([string]$node) ([string]$cluster) }
                }
                $data = [ordered]@{ psVersion = $PSVersionTable.PSVersion.ToString(); nodes = @(Get-StandbyNodeStatus) }
                return ([ordered]@{ ok = $true; data = $data } | ConvertTo-Json -Depth 6 -Compress)
            }
            'disconnect-site' {
                foreach ($session in @($global:StandbySite.Sessions.Values)) { if ($session) { Remove-PSSession -Session $session -ErrorAction SilentlyContinue } }
                $global:StandbySite.Sessions = @{}
                return '{"ok":true,"data":null}'
            }
        }
        $script = $global:StandbySite.Scripts[$Operation]
        if ($null -eq $script) { throw "Unknown operation: $Operation" }
        $selected = Select-StandbySessions $request.route
        $failures = @()
        foreach ($name in $selected.Missing) {
            $failures += [ordered]@{ computerName = $name; id = 'NoOpenSession'; category = 'ConnectionError'; message = 'No open session to this node.' }
        }
        $results = @()
        if ($selected.Sessions.Count -gt 0) {
            $remoteErrors = $null
            $outputs = @()
            try {
                $outputs = Invoke-Command -Session $selected.Sessions -ScriptBlock $script -ArgumentList $Encoded -ErrorAction SilentlyContinue -ErrorVariable remoteErrors
            } catch {
                # A session whose remote end died may still read Opened until used, and Invoke-Command then
                # throws for the whole batch (InvalidRunspaceState) before running anything. Run it again
                # one session at a time, so that only the dead ones fail: for each, this is its first run
                # (only reads fan out to several sessions).
                $outputs = @()
                $remoteErrors = @()
                foreach ($session in @($selected.Sessions)) {
                    # By now a dead one may read Broken: it fails as a node without a session, as above.
                    if ($session.State -ne 'Opened' -or [string]$session.Availability -ne 'Available') {
                        $failures += [ordered]@{ computerName = (Resolve-StandbyNodeName ([string]$session.ComputerName)); id = 'NoOpenSession'; category = 'ConnectionError'; message = 'The session to this node ended (' + [string]$session.State + ').' }
                        continue
                    }
                    $one = $null
                    try {
                        $outputs += @(Invoke-Command -Session $session -ScriptBlock $script -ArgumentList $Encoded -ErrorAction SilentlyContinue -ErrorVariable one)
                        $remoteErrors += @($one)
                    } catch {
                        $node = Resolve-StandbyNodeName ([string]$session.ComputerName)
                        if (Test-StandbySessionGone $_) {
                            # Closed between the state check and the call: nothing ran on the node.
                            $failures += [ordered]@{ computerName = $node; id = 'NoOpenSession'; category = 'ConnectionError'; message = 'The session to this node ended (' + [string]$_.Exception.Message + ').' }
                        } else {
                            $failures += ConvertTo-StandbyError $_ $node
                        }
                    }
                }
            }
            foreach ($output in @($outputs)) {
                # Each host answers with one compressed JSON text; it is spliced in as is, so a broken
                # answer breaks the whole line and the caller applies nothing from it.
                $results += '{"computerName":' + (ConvertTo-StandbyJsonString (Resolve-StandbyNodeName ([string]$output.PSComputerName))) + ',"output":' + [string]$output + '}'
            }
            $named = @{}
            foreach ($record in @($remoteErrors)) {
                if ($null -eq $record) { continue }
                $computer = [string]$record.OriginInfo.PSComputerName + [string]$record.TargetObject.ComputerName
                # A broken session's error comes with a second record that names no node: with one
                # session it is that node's; otherwise it repeats a failure already named.
                if ($computer -eq '') {
                    if ($selected.Sessions.Count -ne 1) { continue }
                    $computer = [string]$selected.Sessions[0].ComputerName
                }
                $computer = Resolve-StandbyNodeName $computer
                if ($named.ContainsKey($computer)) { continue }
                $named[$computer] = $true
                $failures += ConvertTo-StandbyError $record $computer
            }
        }
        $failuresJson = if ($failures.Count -eq 0) { '[]' } else { ConvertTo-Json -InputObject @($failures) -Depth 3 -Compress }
        return ('{"ok":true,"results":[' + ($results -join ',') + '],"failures":' + $failuresJson + '}')
    } catch {
        return ([ordered]@{ ok = $false; error = (ConvertTo-StandbyError $_ '') } | ConvertTo-Json -Depth 3 -Compress)
    }
}

[ordered]@{ ok = $true; data = [ordered]@{ psVersion = $PSVersionTable.PSVersion.ToString(); edition = [string]$PSVersionTable.PSEdition } } | ConvertTo-Json -Depth 3 -Compress

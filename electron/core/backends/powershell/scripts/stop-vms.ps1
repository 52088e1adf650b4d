# Stop-VM of several VMs on this host at once: a guest shutdown takes minutes, so each VM's is started
# as its own job (Stop-VM -AsJob, Hyper-V module docs) and they are waited for together. One item per
# VM asked, in the order asked: its row after the shutdown, or its own error. A Stop-VM without
# -AsJob shuts them down one after another, with the same answer.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$asJob = (Get-Command Stop-VM).Parameters.ContainsKey('AsJob')
$work = @(foreach ($want in @($in.vms)) {
    try {
        $vm = Get-StandbyVm $want
        if ($in.turnOff -eq $true) { $job = Stop-VM -VM $vm -TurnOff -Force -Confirm:$false -AsJob:$asJob } else { $job = Stop-VM -VM $vm -Force -Confirm:$false -AsJob:$asJob }
        [ordered]@{ vm = $vm; job = $job; failure = $null }
    } catch {
        [ordered]@{ vm = $null; job = $null; failure = (ConvertTo-StandbyItemFailure $_) }
    }
})
$data = @(foreach ($w in $work) {
    if ($null -ne $w.failure) { $w.failure; continue }
    try {
        if ($w.job -is [System.Management.Automation.Job]) {
            $null = Wait-Job -Job $w.job
            try { $null = Receive-Job -Job $w.job -ErrorAction Stop } finally { Remove-Job -Job $w.job -Force }
        }
        [ordered]@{ ok = $true; vm = (Get-VM -Id $w.vm.VMId | Select-Object $StandbyVmSelect); error = $null }
    } catch {
        ConvertTo-StandbyItemFailure $_
    }
})
ConvertTo-StandbyAnswer $data -Depth 5

# Get-VM of several VMs on this host in one line: one item per VM asked, in the order asked, each
# with its row or its own error, so one VM that is gone does not hide the others' answers.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = @(foreach ($want in @($in.vms)) {
    try {
        [ordered]@{ ok = $true; vm = (Get-StandbyVm $want | Select-Object $StandbyVmSelect); error = $null }
    } catch {
        ConvertTo-StandbyItemFailure $_
    }
})
ConvertTo-StandbyAnswer $data -Depth 5

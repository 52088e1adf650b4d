# Set-VMHost: concurrent live migrations and the migration performance option.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$options = @{}
if ($null -ne $in.maximumVirtualMachineMigrations) { $options['MaximumVirtualMachineMigrations'] = [int]$in.maximumVirtualMachineMigrations }
if ($in.virtualMachineMigrationPerformanceOption) { $options['VirtualMachineMigrationPerformanceOption'] = [string]$in.virtualMachineMigrationPerformanceOption }
Set-VMHost @options -Confirm:$false
$data = Get-VMHost | Select-Object $StandbyHostSelect
ConvertTo-StandbyAnswer $data -Depth 4

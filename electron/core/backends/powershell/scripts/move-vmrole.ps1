# Move-ClusterVirtualMachineRole -MigrationType Live or Quick to a named node.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$options = @{ Name = [string]$in.vmName; Node = [string]$in.node; MigrationType = [string]$in.migrationType }
if ($in.wait -eq $false) { $options['Wait'] = 0 }
$data = Move-ClusterVirtualMachineRole @options | Select-Object $StandbyClusterGroupSelect
ConvertTo-StandbyAnswer $data -Depth 4

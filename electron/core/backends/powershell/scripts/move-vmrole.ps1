# Move-ClusterVirtualMachineRole -MigrationType Live or Quick to a named node.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
# By VMId once known (the role's name is the VM's, and names repeat); by name before that.
$options = @{ Node = [string]$in.node; MigrationType = [string]$in.migrationType }
if ($in.vmId) { $options['VMId'] = [guid][string]$in.vmId } else { $options['Name'] = [string]$in.vmName }
if ($in.wait -eq $false) { $options['Wait'] = 0 }
$data = Move-ClusterVirtualMachineRole @options | Select-Object $StandbyClusterGroupSelect
ConvertTo-StandbyAnswer $data -Depth 4

import type { LabFaultSpec } from '../../../shared/model/lab.ts';

export type FaultKind = LabFaultSpec['kind'];

/** Every fault the lab can inject, in the words an instructor uses to brief a drill team. */
export const FAULT_KINDS: Array<{ kind: FaultKind; label: string; description: string }> = [
  { kind: 'wan-cut', label: 'WAN cut', description: 'The link goes down: no replication cycle crosses it. VMs replicating over it turn Warning, then Critical, and miss their RPO; it recovers when cleared.' },
  { kind: 'wan-degradation', label: 'WAN degradation', description: 'The link keeps working but slower: its bandwidth is multiplied by a factor and latency is added. Cycles take longer; big or frequent VMs fall behind first.' },
  { kind: 'host-crash', label: 'Host crash', description: 'The node loses power. The cluster restarts its VMs on the other nodes where they fit; those that do not fit stay off.' },
  { kind: 'primary-site-loss', label: 'Primary site loss', description: 'Every host at the primary site goes down and the primary→DR link with it: the disaster. Only failover to the DR site brings the services back.' },
  { kind: 'replica-storage-full', label: 'Replica storage full', description: 'The replica volumes at a site are full: cycles into it fail and replication goes to Error.' },
  { kind: 'replica-broker-down', label: 'Replica Broker down', description: "The cluster's Hyper-V Replica Broker role goes offline: the cluster accepts no replication until it is back." },
  { kind: 'vm-boot-failure', label: 'VM fails to boot', description: 'The VM will not come up at its next start (for example after failover): Start-VM fails, or it starts and the guest never answers a heartbeat.' },
  { kind: 'backend-timeout', label: 'Backend call timeout', description: 'The next backend calls (for one VM, or any) never answer and time out, as a hung WinRM session does.' },
];

export const LINK_LABEL = { 'primary-dr': 'Primary → DR', 'dr-cloud': 'DR → cloud' } as const;

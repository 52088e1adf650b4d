import type { GroupPriority } from '../../../../shared/model/hyperv-enums.ts';
import type { Tier } from '../../../../shared/model/estate.ts';

/**
 * The hospital group's workloads. `weight` is the relative share of the estate; the rest of each family's
 * numbers are typical sizes for that role. Tier decides the replication frequency (0 → 30 s,
 * 1 → 5 min, 2 → 15 min). Write rate drives the lab's change log.
 */
export interface WorkloadFamily {
  code: string;
  workload: string;
  tier: Tier;
  weight: number;
  cpu: readonly number[];
  memoryGiB: readonly number[];
  diskGiB: readonly [number, number];
  cpuUsagePct: readonly [number, number];
  /**
   * Net change rate in KiB/s while running: the distinct blocks a replication cycle must ship, not
   * raw write throughput (rewrites of the same block within a cycle count once). Hot databases
   * churn far more than web front ends; the whole estate needs about 40% of a 1 Gbit/s WAN.
   */
  writeKiBps: readonly [number, number];
  priority: GroupPriority;
  tags: readonly string[];
}

export const WORKLOAD_CATALOG: readonly WorkloadFamily[] = [
  // Tier 0 — patient care stops without these.
  { code: 'EHRDB', workload: 'EHR database (SQL Server)', tier: 0, weight: 0.02, cpu: [16, 24], memoryGiB: [96, 128], diskGiB: [1500, 4000], cpuUsagePct: [35, 70], writeKiBps: [800, 2400], priority: 'High', tags: ['app:ehr', 'sql'] },
  { code: 'EHRAPP', workload: 'EHR application server', tier: 0, weight: 0.04, cpu: [8, 12], memoryGiB: [24, 32], diskGiB: [200, 400], cpuUsagePct: [25, 60], writeKiBps: [60, 240], priority: 'High', tags: ['app:ehr'] },
  { code: 'EHRWEB', workload: 'EHR web / clinician portal', tier: 0, weight: 0.025, cpu: [4, 8], memoryGiB: [16, 24], diskGiB: [120, 200], cpuUsagePct: [15, 45], writeKiBps: [16, 60], priority: 'High', tags: ['app:ehr', 'web'] },
  { code: 'HL7IE', workload: 'HL7 interface engine', tier: 0, weight: 0.01, cpu: [8], memoryGiB: [32], diskGiB: [300, 600], cpuUsagePct: [20, 50], writeKiBps: [160, 500], priority: 'High', tags: ['app:integration'] },
  { code: 'ADT', workload: 'Admission / discharge / transfer', tier: 0, weight: 0.008, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [150, 300], cpuUsagePct: [15, 35], writeKiBps: [40, 140], priority: 'High', tags: ['app:adt'] },
  { code: 'LISDB', workload: 'Laboratory information system DB', tier: 0, weight: 0.008, cpu: [8, 12], memoryGiB: [48, 64], diskGiB: [800, 1500], cpuUsagePct: [25, 55], writeKiBps: [300, 1000], priority: 'High', tags: ['app:lis', 'sql'] },
  { code: 'LISAPP', workload: 'Laboratory information system app', tier: 0, weight: 0.012, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [150, 250], cpuUsagePct: [15, 40], writeKiBps: [30, 100], priority: 'High', tags: ['app:lis'] },
  { code: 'PHARM', workload: 'Pharmacy / medication administration', tier: 0, weight: 0.012, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [150, 400], cpuUsagePct: [15, 40], writeKiBps: [40, 160], priority: 'High', tags: ['app:pharmacy'] },
  { code: 'PACSDB', workload: 'PACS database', tier: 0, weight: 0.006, cpu: [8, 16], memoryGiB: [48, 64], diskGiB: [1000, 2000], cpuUsagePct: [20, 45], writeKiBps: [240, 800], priority: 'High', tags: ['app:pacs', 'sql'] },
  { code: 'SQLCLIN', workload: 'SQL Server (clinical instances)', tier: 0, weight: 0.02, cpu: [8, 12, 16], memoryGiB: [32, 64, 96], diskGiB: [500, 2000], cpuUsagePct: [20, 60], writeKiBps: [300, 1200], priority: 'High', tags: ['sql'] },
  // Tier 1 — the hospital runs on paper for a few hours without these, not longer.
  { code: 'SQLBUS', workload: 'SQL Server (business instances)', tier: 1, weight: 0.1, cpu: [4, 8, 12], memoryGiB: [16, 24, 32], diskGiB: [300, 1200], cpuUsagePct: [10, 45], writeKiBps: [80, 500], priority: 'Medium', tags: ['sql'] },
  { code: 'EXMBX', workload: 'Exchange mailbox (8,000 mailboxes)', tier: 1, weight: 0.016, cpu: [12, 16], memoryGiB: [64, 96], diskGiB: [2000, 4000], cpuUsagePct: [25, 50], writeKiBps: [400, 1200], priority: 'Medium', tags: ['app:exchange'] },
  { code: 'EXEDGE', workload: 'Exchange edge transport', tier: 1, weight: 0.004, cpu: [4], memoryGiB: [16], diskGiB: [200, 300], cpuUsagePct: [10, 30], writeKiBps: [30, 100], priority: 'Medium', tags: ['app:exchange'] },
  { code: 'PACSIMG', workload: 'PACS image archive', tier: 1, weight: 0.02, cpu: [8], memoryGiB: [16, 32], diskGiB: [2000, 6000], cpuUsagePct: [10, 35], writeKiBps: [300, 1000], priority: 'Medium', tags: ['app:pacs'] },
  { code: 'RIS', workload: 'Radiology information system', tier: 1, weight: 0.012, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [200, 400], cpuUsagePct: [10, 35], writeKiBps: [40, 140], priority: 'Medium', tags: ['app:ris'] },
  { code: 'CTXDDC', workload: 'Citrix delivery controller', tier: 1, weight: 0.008, cpu: [4], memoryGiB: [16], diskGiB: [100, 150], cpuUsagePct: [10, 25], writeKiBps: [10, 40], priority: 'Medium', tags: ['app:citrix'] },
  { code: 'FS', workload: 'File server', tier: 1, weight: 0.03, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [1000, 4000], cpuUsagePct: [5, 25], writeKiBps: [60, 300], priority: 'Medium', tags: ['files'] },
  { code: 'WEB', workload: 'Intranet and patient portal web', tier: 1, weight: 0.05, cpu: [2, 4], memoryGiB: [8, 16], diskGiB: [80, 150], cpuUsagePct: [5, 30], writeKiBps: [8, 40], priority: 'Medium', tags: ['web'] },
  { code: 'APP', workload: 'Departmental application server', tier: 1, weight: 0.07, cpu: [2, 4, 8], memoryGiB: [8, 16, 32], diskGiB: [100, 300], cpuUsagePct: [5, 35], writeKiBps: [12, 80], priority: 'Medium', tags: ['app:departmental'] },
  { code: 'PRT', workload: 'Print server', tier: 1, weight: 0.01, cpu: [2, 4], memoryGiB: [8], diskGiB: [80, 120], cpuUsagePct: [3, 15], writeKiBps: [6, 24], priority: 'Medium', tags: ['print'] },
  // Tier 2 — can wait for the rest of the day.
  { code: 'CTXVDA', workload: 'Citrix session host', tier: 2, weight: 0.2, cpu: [8], memoryGiB: [24, 32], diskGiB: [120, 200], cpuUsagePct: [20, 65], writeKiBps: [30, 120], priority: 'Low', tags: ['app:citrix'] },
  { code: 'RPT', workload: 'Reporting and BI', tier: 2, weight: 0.04, cpu: [4, 8], memoryGiB: [12, 16], diskGiB: [200, 800], cpuUsagePct: [5, 40], writeKiBps: [20, 160], priority: 'Low', tags: ['app:reporting'] },
  { code: 'SQLDEV', workload: 'SQL Server (dev/test)', tier: 2, weight: 0.08, cpu: [2, 4], memoryGiB: [8, 16], diskGiB: [200, 600], cpuUsagePct: [2, 20], writeKiBps: [10, 100], priority: 'Low', tags: ['sql', 'env:test'] },
  { code: 'MON', workload: 'Monitoring and logging', tier: 2, weight: 0.03, cpu: [4, 8], memoryGiB: [8, 16], diskGiB: [300, 1000], cpuUsagePct: [10, 35], writeKiBps: [80, 300], priority: 'Low', tags: ['ops'] },
  { code: 'WSUS', workload: 'Patch distribution', tier: 2, weight: 0.008, cpu: [4], memoryGiB: [16], diskGiB: [500, 1000], cpuUsagePct: [3, 20], writeKiBps: [20, 80], priority: 'Low', tags: ['ops'] },
  { code: 'BKP', workload: 'Backup proxy', tier: 2, weight: 0.02, cpu: [4, 8], memoryGiB: [16, 32], diskGiB: [100, 200], cpuUsagePct: [5, 50], writeKiBps: [10, 60], priority: 'Low', tags: ['ops'] },
  { code: 'UTIL', workload: 'Utility / jump host', tier: 2, weight: 0.049, cpu: [2, 4], memoryGiB: [4, 8], diskGiB: [60, 120], cpuUsagePct: [2, 15], writeKiBps: [2, 16], priority: 'Low', tags: ['ops'] },
];

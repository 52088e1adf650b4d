import type { LabFault, LabFaultSpec, LabSpeed, LabStatus } from '../../../shared/model/lab.ts';

/**
 * The lab's own controls, on top of the backend port: what the lab.* channels drive. The composition
 * root hands them to the handlers when the lab is the active backend.
 */
export interface LabControl {
  status(): LabStatus;
  setSpeed(speed: LabSpeed): LabStatus;
  injectFault(spec: LabFaultSpec): LabFault;
  clearFault(id: string): LabStatus;
}

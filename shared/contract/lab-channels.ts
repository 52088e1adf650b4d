import { z } from 'zod';
import { request, stream } from './define.ts';
import { LabEventBatchSchema, LabFaultSchema, LabFaultSpecSchema, LabSpeedSchema, LabStatusSchema } from '../model/lab.ts';

/** The lab backend's own controls. Any other backend answers them with invalid-state. */
export const labChannels = {
  'lab.status': request({
    access: 'read',
    summary: 'The lab: clock, speed, active faults, WAN links, recent events',
    request: z.object({}),
    response: LabStatusSchema,
  }),
  'lab.setSpeed': request({
    access: 'operate',
    summary: 'Pause the lab or run it at 1×, 10×, 60×, 600× or as fast as possible',
    request: z.object({ speed: LabSpeedSchema }),
    response: LabStatusSchema,
  }),
  'lab.injectFault': request({
    access: 'operate',
    summary: 'Inject a fault into the lab: host crash, WAN degradation or cut, site loss, storage full, broker down, boot failure, call timeout',
    request: LabFaultSpecSchema,
    response: LabFaultSchema,
  }),
  'lab.clearFault': request({
    access: 'operate',
    summary: 'Undo an injected fault',
    request: z.object({ faultId: z.string().min(1).max(100) }),
    response: LabStatusSchema,
  }),
} as const;

export const labStreams = {
  'lab.events': stream({
    summary: 'New entries of the lab event log',
    event: LabEventBatchSchema,
  }),
} as const;

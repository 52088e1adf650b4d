import { describe, expect, it } from 'vitest';
import { NetworkAdapterRowSchema, SwitchRowSchema } from './ps-rows.ts';

describe('network rows', () => {
  it('reads a switch type as 5.1 (integer) and 7 (name) write it', () => {
    expect(SwitchRowSchema.parse({ Name: 'DR-Test-Isolated', SwitchType: 0 })).toEqual({ Name: 'DR-Test-Isolated', SwitchType: 'Private' });
    expect(SwitchRowSchema.parse({ Name: 'vSwitch-Prod', SwitchType: 'External' })).toEqual({ Name: 'vSwitch-Prod', SwitchType: 'External' });
    expect(() => SwitchRowSchema.parse({ Name: 'x', SwitchType: 7 })).toThrow(/Unknown value 7/);
  });

  it('reads an unset test switch, empty or null, as null', () => {
    expect(NetworkAdapterRowSchema.parse({ VMName: 'A', Name: 'Network Adapter', TestReplicaSwitchName: '' }).TestReplicaSwitchName).toBeNull();
    expect(NetworkAdapterRowSchema.parse({ VMName: 'A', Name: 'Network Adapter', TestReplicaSwitchName: null }).TestReplicaSwitchName).toBeNull();
    expect(NetworkAdapterRowSchema.parse({ VMName: 'A', Name: 'Network Adapter', TestReplicaSwitchName: 'DR-Test' }).TestReplicaSwitchName).toBe('DR-Test');
  });
});

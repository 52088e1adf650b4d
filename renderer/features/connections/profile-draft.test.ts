import { describe, expect, it } from 'vitest';
import { ConnectionProfileSchema } from '../../../shared/model/connections.ts';
import { draftFromProfile, fieldOf, newDraft, parseDraft } from './profile-draft.ts';

const site = { id: 'site-pri', name: 'Northgate', role: 'primary' as const, location: 'Main campus' };

describe('the connection form', () => {
  it('turns a filled form into a profile, nodes after a colon', () => {
    const draft = { ...newDraft(site, ['CL-A', 'CL-B']), clusters: 'CL-A: HV-A01, HV-A02\nCL-B', username: 'CORP\\svc', connectS: '45' };
    const result = parseDraft(draft, 'pw');
    expect(result).toMatchObject({ ok: true, profile: { siteId: 'site-pri', username: 'CORP\\svc', clusters: [{ cluster: 'CL-A', nodes: ['HV-A01', 'HV-A02'] }, { cluster: 'CL-B', nodes: [] }], timeouts: { connectMs: 45_000 } } });
  });

  it('round-trips a stored profile', () => {
    const profile = ConnectionProfileSchema.parse({ siteId: 'site-dr', role: 'dr', name: 'Riverside', clusters: [{ cluster: 'CL-DR1', nodes: ['DRHV-101'] }], username: 'svc@corp.example', configurationName: 'StandbyOps', authentication: 'CredSSP' });
    const result = parseDraft(draftFromProfile(profile));
    expect(result).toEqual({ ok: true, profile: { ...profile, credentialRef: null } });
  });

  it('names the field at fault with a sentence a person can act on', () => {
    const bad = { ...newDraft(site), siteId: '', name: ' ', clusters: 'CL A', username: 'bob', configurationName: 'a b', connectS: '0', keepAliveS: 'x' };
    const result = parseDraft(bad, 'pw');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['clusters', 'configurationName', 'connectS', 'keepAliveS', 'name', 'siteId', 'username']);
    expect(result.errors.clusters).toMatch(/Line 1: “CL A” is not a host or cluster name/);
    expect(parseDraft({ ...newDraft(site, ['CL-A']) }, 'pw')).toMatchObject({ ok: false, errors: { password: expect.stringMatching(/needs a user name/) } });
    expect(parseDraft({ ...newDraft(site), clusters: '' })).toMatchObject({ ok: false, errors: { clusters: expect.stringMatching(/at least one cluster/) } });
    expect(parseDraft({ ...newDraft(site), clusters: 'CL-A\ncl-a' })).toMatchObject({ ok: false, errors: { clusters: expect.stringMatching(/listed twice/) } });
  });

  it('maps the field the core names back onto the form', () => {
    expect(fieldOf('profile.clusters.0.cluster')).toBe('clusters');
    expect(fieldOf('profile.timeouts.keepAliveMs')).toBe('keepAliveS');
    expect(fieldOf('password')).toBe('password');
    expect(fieldOf('siteId')).toBe('siteId');
    expect(fieldOf(undefined)).toBeNull();
  });
});

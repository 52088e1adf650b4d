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

  it('round-trips a profile that reaches its hosts over SSH, with its user, key file and port', () => {
    const profile = ConnectionProfileSchema.parse({ siteId: 'site-dr', role: 'dr', name: 'Riverside', clusters: [{ cluster: 'CL-DR1', nodes: ['DRHV-101'] }], transport: 'ssh', ssh: { userName: 'corp\\svc-standby', keyFilePath: '/home/ops/.ssh/standby_ed25519', port: 2222 } });
    const draft = draftFromProfile(profile);
    expect(draft).toMatchObject({ transport: 'ssh', sshUserName: 'corp\\svc-standby', sshKeyFilePath: '/home/ops/.ssh/standby_ed25519', sshPort: '2222' });
    expect(parseDraft(draft)).toEqual({ ok: true, profile: { ...profile, credentialRef: null } });
    expect(parseDraft({ ...draft, sshUserName: '', sshKeyFilePath: '', sshPort: '' })).toMatchObject({ ok: true, profile: { transport: 'ssh', ssh: { userName: null, keyFilePath: null, port: null } } });
  });

  it('keeps a profile\'s parallel sessions through an edit, and refuses a number the pool cannot take', () => {
    const profile = ConnectionProfileSchema.parse({ siteId: 'site-dr', role: 'dr', name: 'Riverside', clusters: [{ cluster: 'CL-DR1', nodes: [] }], maxSessions: 4 });
    expect(draftFromProfile(profile).maxSessions).toBe('4');
    expect(parseDraft(draftFromProfile(profile))).toEqual({ ok: true, profile: { ...profile, credentialRef: null } });
    expect(parseDraft({ ...draftFromProfile(profile), maxSessions: '' })).toMatchObject({ ok: true, profile: { maxSessions: null } });
    for (const bad of ['0', '26', '2.5', 'many']) {
      expect(parseDraft({ ...draftFromProfile(profile), maxSessions: bad })).toMatchObject({ ok: false, errors: { maxSessions: expect.stringMatching(/1 to 25, or empty for 8/) } });
    }
    expect(fieldOf('profile.maxSessions')).toBe('maxSessions');
  });

  it('refuses SSH fields it cannot use, saying which and why', () => {
    const ssh = { ...newDraft(site, ['CL-A']), transport: 'ssh' as const };
    expect(parseDraft({ ...ssh, sshPort: '70000' })).toMatchObject({ ok: false, errors: { sshPort: expect.stringMatching(/1 to 65535/) } });
    expect(parseDraft({ ...ssh, sshUserName: 'ops team' })).toMatchObject({ ok: false, errors: { sshUserName: expect.stringMatching(/no spaces/) } });
    // New-PSSession -HostName takes no -Credential: a password cannot be passed to ssh.
    expect(parseDraft({ ...ssh, username: 'CORP\\svc' }, 'pw')).toMatchObject({ ok: false, errors: { password: expect.stringMatching(/key/) } });
    expect(fieldOf('profile.ssh.keyFilePath')).toBe('sshKeyFilePath');
    expect(fieldOf('profile.transport')).toBe('transport');
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

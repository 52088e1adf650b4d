import { useId, useState, type ReactNode } from 'react';
import { DEFAULT_MAX_SESSIONS, MAX_SESSIONS_CAP, type ConnectionProfile } from '../../../shared/model/connections.ts';
import { SiteRoleSchema } from '../../../shared/model/estate.ts';
import type { ActionOutcome } from './connections-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { ROLE_LABEL, TRANSPORT_LABEL } from './connection-labels.ts';
import { AUTHENTICATIONS, TRANSPORTS, fieldOf, parseDraft, type DraftErrors, type DraftField, type ProfileDraft } from './profile-draft.ts';

export interface ProfileFormProps {
  initial: ProfileDraft;
  /** The site id is fixed once a profile exists (it names the stored password). */
  existing: boolean;
  hasPassword: boolean;
  disabled: boolean;
  testing: boolean;
  onSave(profile: ConnectionProfile, password: string): Promise<ActionOutcome>;
  onTest(profile: ConnectionProfile, password: string): Promise<{ where?: string; error?: string } | null>;
  onCancel(): void;
}

/** The profile of one site. The password field is write-only: it is never filled from the core. */
export function ProfileForm({ initial, existing, hasPassword, disabled, testing, onSave, onTest, onCancel }: ProfileFormProps) {
  const [draft, setDraft] = useState<ProfileDraft>(initial);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<DraftErrors>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const id = useId();

  const set = <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => { const { [key]: _gone, ...rest } = e; return rest; });
  };
  const checked = () => {
    const result = parseDraft(draft, password);
    if (!result.ok) {
      setErrors(result.errors);
      setNotice('Fix the marked fields first.');
      return null;
    }
    setErrors({});
    setNotice(null);
    return result.profile;
  };
  const fromCore = (where: string | undefined, message: string) => {
    const field = fieldOf(where);
    if (field) setErrors({ [field]: message });
    setNotice(field ? null : message);
  };

  const save = async () => {
    const profile = checked();
    if (!profile) return;
    setBusy(true);
    const outcome = await onSave(profile, password);
    setBusy(false);
    if (outcome.ok) { setPassword(''); return; }
    fromCore(outcome.where, outcome.error);
  };
  const test = async () => {
    const profile = checked();
    if (!profile) return;
    const problem = await onTest(profile, password);
    if (problem?.error) fromCore(problem.where, problem.error);
  };

  const field = (name: DraftField, label: string, control: ReactNode, hint?: string) => (
    <div className={`form-field field-${name}`}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {control}
      {errors[name] ? <p className="field-error" id={`${id}-${name}-error`} data-testid={`error-${name}`}><StatusGlyph tone="crit" /> {errors[name]}</p>
        : hint ? <p className="field-hint" id={`${id}-${name}-hint`}>{hint}</p> : null}
    </div>
  );
  const aria = (name: DraftField, hint = false) => ({
    id: `${id}-${name}`,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${id}-${name}-error` : hint ? `${id}-${name}-hint` : undefined,
    'data-testid': `field-${name}`,
    disabled: disabled || busy,
  });
  const text = (name: Exclude<keyof ProfileDraft, 'role' | 'authentication' | 'useSsl' | 'transport'>, hint = false, extra: Record<string, unknown> = {}) => (
    <input type="text" value={draft[name]} onChange={(e) => set(name, e.target.value)} spellCheck={false} autoComplete="off" {...aria(name, hint)} {...extra} />
  );

  return (
    <form className="profile-form" data-testid="profile-form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <fieldset className="form-grid" disabled={disabled || busy}>
        <legend className="visually-hidden">Connection profile</legend>
        {field('name', 'Site name', text('name'))}
        {field('siteId', 'Site id', text('siteId', true, existing ? { readOnly: true } : {}), existing ? 'Fixed: it names the stored password.' : 'Matches the site in the estate, e.g. site-pri.')}
        {field('role', 'Role', (
          <select value={draft.role} onChange={(e) => set('role', SiteRoleSchema.parse(e.target.value))} {...aria('role')}>
            {SiteRoleSchema.options.map((r) => <option key={r} value={r}>{ROLE_LABEL[r]}</option>)}
          </select>
        ))}
        {field('location', 'Location', text('location'))}
        {field('clusters', 'Clusters', (
          <textarea rows={3} value={draft.clusters} onChange={(e) => set('clusters', e.target.value)} spellCheck={false} {...aria('clusters', true)} />
        ), 'One cluster per line. Nodes are found with Get-ClusterNode, or list them: CL-A: HV-A01, HV-A02')}
        {field('transport', 'Transport', (
          <select value={draft.transport} onChange={(e) => set('transport', TRANSPORTS.find((t) => t === e.target.value) ?? 'winrm')} {...aria('transport', true)}>
            {TRANSPORTS.map((t) => <option key={t} value={t}>{TRANSPORT_LABEL[t]}</option>)}
          </select>
        ), draft.transport === 'ssh' ? 'PowerShell 7 remoting over SSH: each host runs OpenSSH with a powershell subsystem; this console needs pwsh.' : 'Windows Remote Management (New-PSSession -ComputerName).')}
        {draft.transport === 'ssh' ? (
          <>
            {field('sshUserName', 'SSH user', text('sshUserName', true, { placeholder: 'svc-standby' }), 'Empty: the user your ssh config names.')}
            {field('sshKeyFilePath', 'Key file', text('sshKeyFilePath', true, { placeholder: '~/.ssh/id_ed25519' }), 'A private key on this machine. Empty: ssh\'s agent or config.')}
            {field('sshPort', 'SSH port', text('sshPort', true, { inputMode: 'numeric', placeholder: '22' }), 'Empty: 22 or what your ssh config says.')}
          </>
        ) : (
          <>
            {field('username', 'User', text('username', true, { placeholder: 'DOMAIN\\user' }), 'Empty: the signed-in Windows user (Kerberos).')}
            {field('password', 'Password', (
              <input type="password" value={password} onChange={(e) => { setPassword(e.target.value); setErrors((er) => { const { password: _p, ...rest } = er; return rest; }); }}
                autoComplete="new-password" placeholder={hasPassword ? 'Stored · type to replace' : ''} {...aria('password', true)} />
            ), hasPassword ? 'A password is stored; it is never shown. Leave empty to keep it.' : 'Kept in the secret store, never shown again.')}
            {field('configurationName', 'Session configuration', text('configurationName', true, { placeholder: 'microsoft.powershell' }), 'Optional -ConfigurationName of a FullLanguage endpoint. JEA (NoLanguage) endpoints are not supported: they refuse the scripts Standby sends.')}
            {field('authentication', 'Authentication', (
              <select value={draft.authentication} onChange={(e) => set('authentication', AUTHENTICATIONS.find((a) => a === e.target.value) ?? 'Default')} {...aria('authentication', true)}>
                {AUTHENTICATIONS.map((a) => <option key={a} value={a}>{a}</option>)}
              </select>
            ), 'CredSSP lets hosts act on their peers (second hop).')}
            <div className="form-field field-useSsl">
              <label className="check"><input type="checkbox" checked={draft.useSsl} onChange={(e) => set('useSsl', e.target.checked)} data-testid="field-useSsl" /> HTTPS (WinRM on 5986)</label>
            </div>
          </>
        )}
        <div className="form-field field-timeouts">
          <span className="timeouts-label">Timeouts (seconds)</span>
          <div className="timeouts">
            {([['connectS', 'Connect'], ['commandS', 'Read'], ['operationS', 'Operation'], ['keepAliveS', 'Keep-alive']] as const).map(([name, label]) => (
              <label key={name} className="timeout">
                <span>{label}</span>
                <input type="text" inputMode="numeric" value={draft[name]} onChange={(e) => set(name, e.target.value)} {...aria(name)} id={`${id}-${name}`} />
              </label>
            ))}
          </div>
          {(['connectS', 'commandS', 'operationS', 'keepAliveS'] as const).map((name) => errors[name]
            ? <p key={name} className="field-error" id={`${id}-${name}-error`} data-testid={`error-${name}`}><StatusGlyph tone="crit" /> {errors[name]}</p> : null)}
        </div>
        {field('maxSessions', 'Parallel sessions', text('maxSessions', true, { placeholder: String(DEFAULT_MAX_SESSIONS), inputMode: 'numeric' }),
          `PowerShell processes this site may run at once, each with a session to every node (empty: ${DEFAULT_MAX_SESSIONS}, at most ${MAX_SESSIONS_CAP}). Commands to different hosts run side by side; WinRM allows 30 shells per user and host by default.`)}
      </fieldset>
      {notice ? <p className="form-notice" role="alert" data-testid="form-notice"><StatusGlyph tone="crit" /> {notice}</p> : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={disabled || busy} data-testid="profile-save">{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" disabled={disabled || busy || testing} onClick={() => void test()} data-testid="profile-test">{testing ? 'Testing…' : 'Test connection'}</button>
        <button type="button" onClick={onCancel} data-testid="profile-cancel">Cancel</button>
      </div>
    </form>
  );
}

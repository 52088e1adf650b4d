import { formatBytes } from '../../../../shared/format/bytes.ts';
import { formatDuration } from '../../../../shared/format/duration.ts';
import type { EvidencePack } from '../../../../shared/model/evidence-pack.ts';

/**
 * The pack as one self-contained HTML page (inline styles, no scripts, no outside resources), laid
 * out for A4 so Chromium's print engine turns it into the PDF. Every value is escaped.
 */
export function renderEvidenceHtml(pack: EvidencePack): string {
  const { run, plan, summary } = pack;
  const sec = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatDuration(Math.round(v)));
  const at = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC');
  const verdictClass = summary.rtoVerdict === 'met' ? 'ok' : summary.rtoVerdict === 'missed' ? 'bad' : 'warn';
  const prediction = pack.prediction;
  const predicted = prediction
    ? prediction.range ? `${sec(prediction.range.lowSec)} – ${prediction.range.highSec === null ? 'unbounded' : sec(prediction.range.highSec)}` : sec(prediction.rtoSec)
    : null;
  const signOffs = pack.attestations.signOffs;
  const checklist = pack.attestations.checklist;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Evidence — ${e(plan.name)} — ${e(run.id)}</title>
<meta name="standby-pack-hash" content="${e(pack.integrity.packHash)}">
<style>${CSS}</style></head>
<body>
<header>
  <div class="brand">Standby · recovery evidence</div>
  <h1>${e(plan.name)}: ${e(TYPE_LABEL[run.type])}</h1>
  <p class="sub">Run <code>${e(run.id)}</code> · started by ${e(run.startedBy)} at ${e(at(run.startedAt))} · ${e(run.status)}</p>
</header>
<section class="verdict ${verdictClass}">
  <div><span class="label">Achieved RTO</span><span class="big">${e(sec(summary.achievedRtoSec))}</span></div>
  <div><span class="label">Target</span><span class="big">${e(sec(summary.rtoTargetSec))}</span></div>
  <div><span class="label">Verdict</span><span class="big">${e(summary.rtoVerdict === 'met' ? 'Target met' : summary.rtoVerdict === 'missed' ? 'Target missed' : 'Pending')}</span></div>
  <div><span class="label">Predicted before</span><span class="big">${e(predicted ?? 'none made')}</span></div>
  <div><span class="label">Cleanup</span><span class="big">${e(pack.cleanup.status === 'proven' ? 'Proven' : pack.cleanup.status === 'not-proven' ? 'Not proven' : 'n/a')}</span></div>
</section>
<p class="note">RTO counted from ${e(at(summary.rtoFrom.at))}: ${e(summary.rtoFrom.detail)}. ${e(summary.vmsHealthy)} of ${e(summary.vms.length)} VMs healthy, ${e(summary.vmsMissed)} missed the target, ${e(summary.vmsSkipped)} skipped. RPO: ${e(summary.rpoBasis)}; worst ${e(sec(summary.maxRpoSec))}.</p>

<h2>Sign-offs</h2>
${signOffs.length === 0 ? '<p class="empty">No sign-offs were recorded.</p>' : table(['Application', 'Verdict', 'By', 'Role', 'At', 'Note'], signOffs.map((s) => [s.application, s.verdict, s.by.name, s.by.role, at(s.at), s.note ?? ''])) }
${checklist ? `<h3>Checklist</h3><p>In the room: ${e(checklist.present.map((p) => `${p.name} (${p.role})`).join(', ') || 'nobody recorded')}. Signing roles: ${e(checklist.signingRoles.join(', ') || 'none')}.</p>${table(['Item', 'Done', 'By'], checklist.items.map((i) => [i.text, i.done ? 'yes' : 'no', i.by?.name ?? '']))}` : '<p class="empty">No checklist was recorded.</p>'}

<h2>Cleanup proof</h2>
<p>${e(pack.cleanup.text)}${pack.cleanup.scannedAt !== null ? ` Read back at ${e(at(pack.cleanup.scannedAt))}.` : ''}</p>
${pack.cleanup.leftovers.length > 0 ? table(['Left over', 'Host', 'Name', 'Detail'], pack.cleanup.leftovers.map((l) => [l.kind, l.host, l.name, l.detail])) : ''}
${pack.cleanup.scanned.length > 0 ? `<p class="small">Hosts read: ${e(pack.cleanup.scanned.map((s) => `${s.host} (${s.vmsSeen} VMs)`).join(', '))}.</p>` : ''}
${pack.cleanup.unreadable.length > 0 ? table(['Host not read', 'Why'], pack.cleanup.unreadable.map((u) => [u.host, u.error])) : ''}

<h2>RTO per tier and group</h2>
${table(['Tier', 'VMs', 'Healthy', 'Missed', 'RTO', 'Verdict', 'Predicted'], summary.tiers.map((t) => [`Tier ${t.tier}`, t.vmCount, t.vmsHealthy, t.vmsMissed, sec(t.rtoSec), t.verdict, sec(prediction?.tiers.find((p) => p.tier === t.tier)?.rtoSec)]))}
${table(['Group', 'Started', 'Took', 'RTO at end'], summary.groups.map((g) => [`${g.index + 1}. ${g.name}`, at(g.startedAt), sec(g.durationSec), sec(g.rtoSec)]))}
${prediction ? `<p class="small">Prediction made ${e(at(prediction.predictedAt))} (wall) on a copy of ${e(prediction.backend)}: ${e(prediction.calibration.text)}${prediction.bottleneck ? ` Bottleneck: ${e(prediction.bottleneck.text)}.` : ''}${prediction.range ? ` Range because ${e(prediction.range.why)}.` : ''}</p>` : '<p class="empty">No prediction was made before this run.</p>'}

<h2>Preflight</h2>
${pack.preflight ? `<p>Checked ${e(at(pack.preflight.checkedAt))}: ${e(pack.preflight.blockers.length)} blockers, ${e(pack.preflight.warnings.length)} warnings (${e(pack.acceptedWarnings.length)} accepted by ${e(run.startedBy)}).</p>${pack.preflight.warnings.length + pack.preflight.blockers.length > 0 ? table(['Severity', 'Check', 'Message', 'Accepted'], [...pack.preflight.blockers, ...pack.preflight.warnings].map((c) => [c.severity, c.check, c.message, pack.acceptedWarnings.includes(c.id) ? 'yes' : ''])) : ''}` : '<p class="empty">This run was journaled before preflight results were kept.</p>'}

<h2>Operator decisions</h2>
${table(['At', 'Who', 'What', 'Target'], pack.decisions.map((d) => [`${at(d.at)}${d.clock === 'wall' ? ' (wall clock)' : ''}`, d.actor, d.action + (d.detail ? ` — ${d.detail}` : ''), d.target]))}

<h2>Failures</h2>
${pack.failures.length === 0 ? '<p class="empty">No step failed.</p>' : table(['VM / step', 'Step', 'Error', 'Attempts', 'Outcome'], pack.failures.map((f) => [f.vm ?? '(plan step)', f.step, `${f.code}: ${f.message}`, f.attempts, f.outcome]))}

<h2>Timeline</h2>
${table(['At', 'What'], pack.timeline.filter((t) => !t.vm).map((t) => [at(t.at), t.what]))}

<h2>Every VM</h2>
${table(['VM', 'Group', 'Tier', 'From', 'To', 'Memory', 'Status', 'RTO', 'RPO', 'Verdict'], summary.vms.map((v) => {
  const inv = pack.inventoryAtStart.find((i) => i.name === v.name);
  return [v.name, v.group + 1, v.tier ?? '—', inv?.sourceHost ?? '', inv?.targetHost ?? '', inv ? formatBytes(inv.memoryBytes) : '', v.status, sec(v.rtoSec), sec(v.rpoSec), v.rtoVerdict];
}), 'vms')}

<h2>Plan</h2>
<p>${e(plan.name)} (<code>${e(plan.id)}</code>) revision ${e(plan.revision)}; version hash <code>${e(plan.versionHash ?? 'not available: the plan was edited after this run')}</code>. Target ${e(sec(plan.rtoTargetSec))}.</p>

<h2>Environment</h2>
<p>Standby ${e(pack.environment.standbyVersion)} · backend ${e(pack.environment.backend)} (${e(pack.environment.backendKind)}) · Node ${e(pack.environment.node)} on ${e(pack.environment.platform)}. DR hosts used: ${e(pack.environment.hosts.join(', '))}.</p>

<h2>Integrity</h2>
<p>Journal <code>${e(pack.integrity.journal.file)}</code>: ${e(pack.integrity.journal.records)} records, hash chain head <code class="hash">${e(pack.integrity.journal.head)}</code> (${e(pack.integrity.journal.rule)}).</p>
<p>Pack hash <code class="hash">${e(pack.integrity.packHash)}</code>. Check with <code>npx standby verify &lt;this folder&gt;</code> or the Verify button on the run.</p>
<footer>Generated ${e(pack.generatedAt)} by Standby ${e(pack.environment.standbyVersion)}.</footer>
</body></html>
`;
}

const TYPE_LABEL: Record<EvidencePack['run']['type'], string> = {
  'test-failover': 'drill (test failover)', 'planned-failover': 'planned failover', 'unplanned-failover': 'unplanned failover', failback: 'failback',
};

function table(head: string[], rows: (string | number)[][], cls = ''): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function e(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1b2430; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
header { border-bottom: 2px solid #1f4e79; margin-bottom: 10px; }
.brand { color: #1f4e79; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; font-size: 8.5pt; }
h1 { font-size: 17pt; margin: 4px 0; }
h2 { font-size: 12.5pt; margin: 16px 0 6px; color: #1f4e79; break-after: avoid; }
h3 { font-size: 11pt; margin: 10px 0 4px; }
.sub, .small, .note { color: #4a5668; }
.small { font-size: 8.5pt; }
.verdict { display: grid; grid-template-columns: repeat(5, 1fr); gap: 6px; border-radius: 6px; padding: 10px; margin: 8px 0; }
.verdict.ok { background: #e6f4ea; border: 1px solid #6fbf87; }
.verdict.bad { background: #fdecea; border: 1px solid #e07a6f; }
.verdict.warn { background: #fff7e0; border: 1px solid #e0b94f; }
.label { display: block; font-size: 8pt; color: #4a5668; text-transform: uppercase; }
.big { display: block; font-size: 13pt; font-weight: 600; }
.empty { color: #6b7686; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 8.5pt; }
th, td { border-bottom: 1px solid #d7dde5; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.vms { font-size: 7.5pt; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8.5pt; }
code.hash { word-break: break-all; }
footer { margin-top: 16px; color: #6b7686; font-size: 8pt; border-top: 1px solid #d7dde5; padding-top: 4px; }
`;

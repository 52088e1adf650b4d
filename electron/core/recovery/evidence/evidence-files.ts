import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeZodError } from '../../../../shared/contract/errors.ts';
import { EvidencePackSchema, evidencePackJsonSchema, type EvidencePack, type EvidenceVerdict } from '../../../../shared/model/evidence-pack.ts';
import type { PdfPrinter } from '../../ports.ts';
import { renderEvidenceHtml } from './evidence-html.ts';
import { packHashOf } from './evidence-pack.ts';
import { chainMismatch, sha256 } from './journal-chain.ts';

export const EVIDENCE_FILES = { json: 'evidence.json', html: 'evidence.html', pdf: 'evidence.pdf', schema: 'evidence.schema.json', sums: 'SHA256SUMS' } as const;

export function evidenceDir(dataDir: string, runId: string): string {
  return join(dataDir, 'evidence', runId);
}

export interface WrittenEvidence {
  dir: string;
  html: string;
  json: string;
  /** Null when no print engine is at hand (the reason is in pdfProblem). */
  pdfBytes: number | null;
  pdfProblem: string | null;
}

/**
 * Writes the pack's JSON, its JSON Schema, the HTML report, the PDF of it and SHA256SUMS over the
 * three, each through a temporary file and a rename so a reader never meets half a file.
 */
export async function writeEvidence(pack: EvidencePack, dataDir: string, printPdf: PdfPrinter | undefined): Promise<WrittenEvidence> {
  const dir = evidenceDir(dataDir, pack.run.id);
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(pack, null, 1)}\n`;
  const html = renderEvidenceHtml(pack);
  let pdf: Uint8Array | null = null;
  let pdfProblem: string | null = null;
  if (printPdf) {
    try {
      pdf = await printPdf(html);
    } catch (error) {
      pdfProblem = `The PDF could not be printed: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else {
    pdfProblem = 'No print engine is available here: the PDF was not made (the HTML report prints the same).';
  }
  const files: [string, string | Uint8Array][] = [
    [EVIDENCE_FILES.json, json], [EVIDENCE_FILES.html, html], ...(pdf ? [[EVIDENCE_FILES.pdf, pdf] as [string, Uint8Array]] : []),
  ];
  for (const [name, content] of [...files, [EVIDENCE_FILES.schema, `${JSON.stringify(evidencePackJsonSchema(), null, 1)}\n`] as [string, string]]) atomicWrite(join(dir, name), content);
  atomicWrite(join(dir, EVIDENCE_FILES.sums), files.map(([name, content]) => `${sha256(Buffer.from(content))}  ${name}\n`).join(''));
  return { dir, html, json, pdfBytes: pdf ? pdf.byteLength : null, pdfProblem };
}

function atomicWrite(file: string, content: string | Uint8Array): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

/**
 * Checks a pack folder: the JSON against its schema and its own hash, every file against
 * SHA256SUMS, the HTML against the pack's hash, and the run journal (in dataDir) against the
 * hash chain the pack recorded. Any edited byte in the journal or the report fails a check.
 */
export function verifyEvidence(dir: string, dataDir: string): EvidenceVerdict {
  const checks: EvidenceVerdict['checks'] = [];
  const check = (name: string, ok: boolean, detail: string) => { checks.push({ name, ok, detail }); return ok; };
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : null);
  const done = (): EvidenceVerdict => ({ ok: checks.every((c) => c.ok), dir: resolve(dir), checks });

  const jsonBytes = read(EVIDENCE_FILES.json);
  if (!check('pack present', jsonBytes !== null, jsonBytes ? `${EVIDENCE_FILES.json} found` : `${join(dir, EVIDENCE_FILES.json)} does not exist`)) return done();
  let raw: unknown;
  try { raw = JSON.parse(jsonBytes!.toString('utf8')); } catch (error) {
    check('pack is JSON', false, `${EVIDENCE_FILES.json} is not JSON: ${(error as Error).message}`);
    return done();
  }
  const parsed = EvidencePackSchema.safeParse(raw);
  if (!parsed.success) {
    check('pack matches its schema', false, describeZodError(parsed.error).message);
    return done();
  }
  check('pack matches its schema', true, 'valid');
  const pack = parsed.data;
  const hash = packHashOf(raw as EvidencePack);
  check('pack hash', hash === pack.integrity.packHash, hash === pack.integrity.packHash ? pack.integrity.packHash : `the pack's content hashes to ${hash}, not the ${pack.integrity.packHash} it records: it was edited`);

  const sums = read(EVIDENCE_FILES.sums)?.toString('utf8');
  if (check('SHA256SUMS present', sums !== undefined, sums !== undefined ? 'found' : 'missing')) {
    for (const line of sums!.split('\n').filter(Boolean)) {
      const [expected, name] = line.split(/\s+/, 2) as [string, string];
      const bytes = read(name);
      check(`${name} unchanged`, bytes !== null && sha256(bytes) === expected, bytes === null ? `${name} is missing` : sha256(bytes) === expected ? expected : `${name} hashes to ${sha256(bytes)}, not ${expected}: it was edited`);
    }
  }
  const html = read(EVIDENCE_FILES.html)?.toString('utf8');
  check('report shows this pack', html?.includes(pack.integrity.packHash) ?? false, html ? (html.includes(pack.integrity.packHash) ? 'the HTML carries the pack hash' : 'the HTML does not carry this pack\'s hash') : 'evidence.html is missing');

  const journalFile = join(dataDir, pack.integrity.journal.file);
  const journal = existsSync(journalFile) ? readFileSync(journalFile) : null;
  if (check('run journal present', journal !== null, journal ? journalFile : `${journalFile} does not exist`)) {
    const mismatch = chainMismatch(pack.integrity.journal, journal!);
    check('journal hash chain', mismatch === null, mismatch ?? `${pack.integrity.journal.records} records, head ${pack.integrity.journal.head}`);
  }
  return done();
}

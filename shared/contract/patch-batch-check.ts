import { ClusterSchema, HostSchema, ReplicationSchema, SiteSchema, VmSchema } from '../model/estate.ts';
import { RpoStatusSchema } from '../model/rpo.ts';

/**
 * The client's check of an estate.patches batch: the envelope and every patch's shape (op, kind,
 * ids, that values are objects whose top-level fields the model knows), but not each field's value.
 *
 * Why this is enough on this one stream: the core is the only sender and builds every patch from
 * its own estate, whose inputs are validated where they enter (PowerShell answers by ps-rows'
 * schemas, requests by the contract); a core test holds its patch stream to PatchBatchSchema. The
 * server is authenticated (token, same origin) and the IPC bridge only relays the core. Full zod
 * validation of 600+ VM merges four times a second cost a fifth of the renderer's main thread. A
 * batch that fails this check is dropped and the estate store reloads the snapshot, which is still
 * fully validated (as are all requests, responses and the other streams).
 */
const FIELDS = {
  site: new Set(Object.keys(SiteSchema.shape)),
  cluster: new Set(Object.keys(ClusterSchema.shape)),
  host: new Set(Object.keys(HostSchema.shape)),
  vm: new Set(Object.keys(VmSchema.shape)),
} as const;

type Kind = keyof typeof FIELDS;

/** Fields a VM merge may merge into (see VmNestedMergeSchema), and what each nested object holds. */
const NESTED_FIELDS: Record<string, Set<string>> = {
  replication: new Set(Object.keys(ReplicationSchema.shape)),
  extendedReplication: new Set(Object.keys(ReplicationSchema.shape)),
  rpo: new Set(Object.keys(RpoStatusSchema.shape)),
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKind = (v: unknown): v is Kind => v === 'site' || v === 'cluster' || v === 'host' || v === 'vm';

/** null when the batch is well-formed, otherwise where and what is wrong. */
export function checkPatchBatch(raw: unknown): string | null {
  if (!isRecord(raw)) return 'the batch is not an object';
  if (typeof raw.seq !== 'number' || !Number.isInteger(raw.seq) || raw.seq < 1) return 'seq: expected a positive integer';
  const patches = raw.patches;
  if (!Array.isArray(patches)) return 'patches: expected an array';
  for (let i = 0; i < patches.length; i++) {
    const problem = checkPatch(patches[i]);
    if (problem) return `patches.${i}.${problem}`;
  }
  return null;
}

function checkPatch(p: unknown): string | null {
  if (!isRecord(p)) return '(root): expected an object';
  switch (p.op) {
    case 'clock': {
      const v = p.value;
      if (!isRecord(v) || typeof v.now !== 'number' || (v.source !== 'lab' && v.source !== 'real') || !(v.speed === null || typeof v.speed === 'number')) return 'value: expected a clock';
      return null;
    }
    case 'remove':
      if (!isKind(p.kind)) return 'kind: unknown entity kind';
      return typeof p.id === 'string' ? null : 'id: expected a string';
    case 'put':
    case 'merge': {
      if (!isKind(p.kind)) return 'kind: unknown entity kind';
      const value = p.value;
      if (!isRecord(value)) return 'value: expected an object';
      if (p.op === 'put' ? typeof value.id !== 'string' : typeof p.id !== 'string') return `${p.op === 'put' ? 'value.' : ''}id: expected a string`;
      const known = FIELDS[p.kind];
      for (const key in value) if (!known.has(key)) return `value.${key}: not a field of a ${p.kind}`;
      if (p.nested === undefined) return null;
      if (p.op !== 'merge' || p.kind !== 'vm') return 'nested: only a VM merge has nested fields';
      if (!isRecord(p.nested)) return 'nested: expected an object';
      for (const field in p.nested) {
        const inner = p.nested[field];
        const fields = Object.hasOwn(NESTED_FIELDS, field) ? NESTED_FIELDS[field]! : null;
        if (!fields) return `nested.${field}: not a nested field of a vm`;
        if (!isRecord(inner)) return `nested.${field}: expected an object`;
        for (const key in inner) if (!fields.has(key)) return `nested.${field}.${key}: not a field of ${field}`;
      }
      return null;
    }
    default:
      return 'op: expected put, merge, remove or clock';
  }
}

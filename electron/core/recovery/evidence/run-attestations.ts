import type { Attestations } from '../../../../shared/model/evidence-pack.ts';

/**
 * The drill session's checklist and sign-offs for a run, as the evidence pack takes them. The one
 * place the pack reads people's records from: wire the drill session's journal in here.
 */
export type AttestationSource = (runId: string) => Attestations;

/** No drill session records are kept yet: the pack says "No sign-offs were recorded". */
export const noAttestations: AttestationSource = () => ({ checklist: null, signOffs: [] });

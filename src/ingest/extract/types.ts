// What an extractor returns: the lineage part of AttestationFacts, or why the verified predicate is unusable.
import type { AttestationFacts } from '../../graph/index.ts';

export type Lineage = Omit<AttestationFacts, 'attestation'>;

export type Extracted = { readonly ok: true; readonly lineage: Lineage } | { readonly ok: false; readonly message: string };

export const EMPTY_LINEAGE: Lineage = { artifacts: [], contains: [], attests: [] };

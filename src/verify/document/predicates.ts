// Dispatch on the in-toto predicateType, which the signature covers (never on the DSSE payloadType). OMS signatures
// are fully checked here; the other evidence kinds the graph takes (docs/LINEAGE.md, "Other predicates") are accepted
// when their predicate is an object, and their content is read later by ingest. Anything else is UNSUPPORTED_PREDICATE.

import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { OMS_PREDICATE_LEGACY, OMS_PREDICATE_V1, parseOmsManifest } from '../oms/manifest.ts';
import type { OmsManifest, Statement } from '../types.ts';

/** SLSA Provenance v1 (https://slsa.dev/provenance/v1). */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

/** Predicate types accepted besides OMS: SLSA provenance, CycloneDX / SPDX BOMs, in-toto test results. */
export const OTHER_PREDICATE_TYPES: readonly string[] = [
  SLSA_PROVENANCE_V1,
  'https://cyclonedx.org/bom',
  'https://spdx.dev/Document/v3',
  'https://in-toto.io/attestation/test-result/v0.1',
];

export function isOmsPredicateType(predicateType: string): boolean {
  return predicateType === OMS_PREDICATE_V1 || predicateType === OMS_PREDICATE_LEGACY;
}

/** Returns the OMS manifest for OMS statements, undefined for other accepted predicate types. */
export function checkPredicate(statement: Statement): Check<OmsManifest | undefined> {
  if (isOmsPredicateType(statement.predicateType)) return parseOmsManifest(statement);
  if (!OTHER_PREDICATE_TYPES.includes(statement.predicateType)) {
    return fail(
      'UNSUPPORTED_PREDICATE',
      `The predicateType "${statement.predicateType.slice(0, 200)}" is not one this service accepts.`,
    );
  }
  const p = statement.predicate;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    return fail('MALFORMED_PREDICATE', `The ${statement.predicateType} predicate is missing or not a JSON object.`);
  }
  return ok(undefined);
}

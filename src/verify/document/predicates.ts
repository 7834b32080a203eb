// Dispatch on the in-toto predicateType, which the signature covers (never on the DSSE payloadType). OMS signatures
// and Atlas manifests (whose subject must be the hash of their files) are fully checked here; the other evidence
// kinds the graph takes (docs/LINEAGE.md, "Other predicates") are accepted when their predicate is an object, and
// their content is read later by ingest. Anything else is UNSUPPORTED_PREDICATE.

import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { C2PA_PREDICATE, parseAtlasStatement } from '../atlas/statement.ts';
import { OMS_PREDICATE_LEGACY, OMS_PREDICATE_V1, parseOmsManifest } from '../oms/manifest.ts';
import type { AtlasManifest, OmsManifest, Statement } from '../types.ts';

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

/** What a checked predicate gives beyond the statement: the OMS manifest, or the Atlas manifest. */
export interface CheckedPredicate {
  readonly oms?: OmsManifest;
  readonly atlas?: AtlasManifest;
}

/** Checks the predicate by its type; the OMS or Atlas manifest for those, nothing more for the others accepted. */
export function checkPredicate(statement: Statement): Check<CheckedPredicate> {
  if (isOmsPredicateType(statement.predicateType)) {
    const oms = parseOmsManifest(statement);
    return oms.ok ? ok({ oms: oms.value }) : oms;
  }
  if (statement.predicateType === C2PA_PREDICATE) {
    const atlas = parseAtlasStatement(statement);
    return atlas.ok ? ok({ atlas: atlas.value }) : atlas;
  }
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
  return ok({});
}

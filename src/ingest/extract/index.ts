// Dispatch on predicateType (never on the payload type): each verified statement → lineage facts.
import type { AtlasManifest, OmsManifest, Statement } from '../../verify/index.ts';
import { extractAtlas } from './atlas.ts';
import { extractCycloneDx } from './cyclonedx.ts';
import { extractOms } from './oms.ts';
import { extractSlsa } from './slsa.ts';
import { extractSpdx } from './spdx.ts';
import { extractTestResult } from './test-result.ts';
import { EMPTY_LINEAGE, type Extracted } from './types.ts';

export type { Extracted, Lineage } from './types.ts';

export function extractLineage(
  statement: Statement,
  oms: OmsManifest | undefined,
  attestationDigest: string,
  atlas?: AtlasManifest,
): Extracted {
  if (oms) return { ok: true, lineage: extractOms(oms) };
  // Atlas CLI manifests, standalone or as the C2PA predicate, are read from what verify checked.
  if (atlas) return { ok: true, lineage: extractAtlas(atlas) };
  switch (statement.predicateType) {
    case 'https://slsa.dev/provenance/v1':
      return extractSlsa(statement, attestationDigest);
    case 'https://cyclonedx.org/bom':
      return extractCycloneDx(statement);
    case 'https://spdx.dev/Document/v3':
      return extractSpdx(statement);
    case 'https://in-toto.io/attestation/test-result/v0.1':
      return extractTestResult(statement);
    default:
      // verify accepts only the predicate types above; anything else links nothing.
      return { ok: true, lineage: EMPTY_LINEAGE };
  }
}

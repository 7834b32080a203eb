// Public door of the AI-BOM domain: export one model's verified lineage as CycloneDX 1.6 / 1.7 ML-BOM or
// SPDX 3.0.1 AI/Dataset JSON-LD, every component backed by verified evidence. Reads the graph through its index only.
import { readBomSubject, type GraphConnection } from '../graph/index.ts';
import { buildCycloneDx, type BomOptions } from './cyclonedx.ts';
import { BomError } from './errors.ts';
import { isDateTime } from './identifiers.ts';
import { buildSpdx } from './spdx.ts';

export { BomError } from './errors.ts';
export type { BomErrorCode } from './errors.ts';
export { buildCycloneDx } from './cyclonedx.ts';
export type { BomOptions, CycloneDxVersion } from './cyclonedx.ts';
export { validateCycloneDx } from './cyclonedx-validate.ts';
export type { SchemaError } from './cyclonedx-validate.ts';
export { buildSpdx } from './spdx.ts';

export type BomFormat = 'CYCLONEDX_1_6' | 'CYCLONEDX_1_7' | 'SPDX_3_0_1';
export const BOM_FORMATS: readonly BomFormat[] = ['CYCLONEDX_1_6', 'CYCLONEDX_1_7', 'SPDX_3_0_1'];

/**
 * The AI-BOM of the model named by `digest` (`algorithm:hex`). Throws BomError NOT_FOUND for an unknown
 * digest, NOT_A_MODEL for a dataset or file, INVALID_BOM when the built document fails its schema (a bug);
 * graph faults propagate as GraphError.
 */
export async function exportAiBom(
  graph: GraphConnection,
  digest: string,
  format: BomFormat,
  options: BomOptions,
): Promise<object> {
  if (!isDateTime(options.timestamp)) {
    throw new BomError('INVALID_BOM', `timestamp must be an RFC 3339 date-time, got ${JSON.stringify(options.timestamp)}`);
  }
  const subject = await readBomSubject(graph, digest.toLowerCase());
  if (!subject) throw new BomError('NOT_FOUND', `no artifact with digest ${digest}`);
  if (!subject.model.labels.includes('Model')) {
    throw new BomError('NOT_A_MODEL', `${digest} is a ${subject.model.labels.join('/') || 'plain artifact'}, not a model`);
  }
  switch (format) {
    case 'CYCLONEDX_1_6':
      return buildCycloneDx(subject, '1.6', options);
    case 'CYCLONEDX_1_7':
      return buildCycloneDx(subject, '1.7', options);
    case 'SPDX_3_0_1':
      return buildSpdx(subject, options);
  }
}

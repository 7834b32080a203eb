// Public door of the AI-BOM domain: export one model's verified lineage as CycloneDX 1.6 / 1.7 ML-BOM or
// SPDX 3.0.1 AI/Dataset JSON-LD (DESIGN.md §4). Reads the graph through its index only.
import { readBomSubject, type GraphConnection } from '../graph/index.ts';
import { buildBom, checkSize, type BomBuilder, type BomFormat } from './build.ts';
import type { BomOptions } from './cyclonedx.ts';
import { BomError } from './errors.ts';
import { isDateTime } from './identifiers.ts';

export { BomError } from './errors.ts';
export type { BomErrorCode } from './errors.ts';
export { buildCycloneDx } from './cyclonedx.ts';
export type { BomOptions, CycloneDxVersion } from './cyclonedx.ts';
export { validateCycloneDx } from './cyclonedx-validate.ts';
export type { SchemaError } from './cyclonedx-validate.ts';
export { buildSpdx } from './spdx.ts';
export { BOM_FORMATS, componentCount } from './build.ts';
export type { BomBuilder, BomFormat } from './build.ts';
export { createBomExporter } from './exporter.ts';
export type { BomExporter, ExporterOptions } from './exporter.ts';

export interface ExportOptions extends BomOptions {
  /** most components and parts the document may list (BOM_MAX_COMPONENTS); a larger BOM is refused as TOO_LARGE. */
  readonly maxComponents?: number;
  /** where documents are built (default: on this thread; the service passes a BomExporter's worker thread). */
  readonly build?: BomBuilder;
}

/**
 * The AI-BOM of the model named by `digest` (`algorithm:hex`). Throws BomError NOT_FOUND for an unknown
 * digest, NOT_A_MODEL for a dataset or file, TOO_LARGE over `maxComponents`, INVALID_BOM when the built document
 * fails its schema (a bug); graph faults propagate as GraphError.
 */
export async function exportAiBom(
  graph: GraphConnection,
  digest: string,
  format: BomFormat,
  options: ExportOptions,
): Promise<object> {
  if (!isDateTime(options.timestamp)) {
    throw new BomError('INVALID_BOM', `timestamp must be an RFC 3339 date-time, got ${JSON.stringify(options.timestamp)}`);
  }
  const subject = await readBomSubject(graph, digest.toLowerCase());
  if (!subject) throw new BomError('NOT_FOUND', `no artifact with digest ${digest}`);
  if (!subject.model.labels.includes('Model')) {
    throw new BomError('NOT_A_MODEL', `${digest} is a ${subject.model.labels.join('/') || 'plain artifact'}, not a model`);
  }
  if (options.maxComponents !== undefined) checkSize(subject, options.maxComponents);
  const build = options.build ?? buildBom;
  return build(subject, format, {
    timestamp: options.timestamp,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
}

// One model's AI-BOM, read from the graph and built on the calling thread (the service builds them on the export thread,
// exporter.ts, which calls this there).
import { readBomSubject, type GraphConnection } from '../graph/index.ts';
import { buildBom, checkSize, type BomFormat } from './build.ts';
import type { BomOptions } from './cyclonedx.ts';
import { BomError } from './errors.ts';
import { isDateTime } from './identifiers.ts';

export interface ExportOptions extends BomOptions {
  /** most components and parts the document may list (BOM_MAX_COMPONENTS); a larger BOM is refused as TOO_LARGE. */
  readonly maxComponents?: number;
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
  return buildBom(subject, format, {
    timestamp: options.timestamp,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
}

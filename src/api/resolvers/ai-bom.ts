// Query.aiBom: the AI-BOM of a model in CycloneDX 1.6 / 1.7 (schema-validated) or SPDX 3.0.1, read, built and
// serialised on the export thread when the service has one (context.boms), so a large document does not hold up other
// requests; its text goes into the answer as it is (raw-json.ts).
import { exportAiBom, type BomFormat } from '../../bom/index.ts';
import { queryDeadline } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { RawJson } from '../raw-json.ts';

export async function aiBom(_: unknown, args: { digest: string; format: BomFormat }, context: ApiContext): Promise<unknown> {
  const digest = parseDigest(args.digest);
  const options = {
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(context.publicUrl ? { baseUrl: context.publicUrl } : {}),
    ...(context.maxBomComponents ? { maxComponents: context.maxBomComponents } : {}),
  };
  if (!context.boms) return exportAiBom(context.graph, digest, args.format, options);
  const deadline = queryDeadline();
  const text = await context.boms.export({
    digest,
    format: args.format,
    options,
    ...(deadline === undefined ? {} : { deadline }),
  });
  return new RawJson(text);
}

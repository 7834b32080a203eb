// Query.aiBom: the AI-BOM of a model in CycloneDX 1.6 / 1.7 (schema-validated) or SPDX 3.0.1, built on the export
// thread when the service has one (context.boms), so a large document does not hold up other requests.
import { exportAiBom, type BomFormat } from '../../bom/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';

export async function aiBom(_: unknown, args: { digest: string; format: BomFormat }, context: ApiContext): Promise<unknown> {
  return exportAiBom(context.graph, parseDigest(args.digest), args.format, {
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(context.publicUrl ? { baseUrl: context.publicUrl } : {}),
    ...(context.maxBomComponents ? { maxComponents: context.maxBomComponents } : {}),
    ...(context.boms ? { build: context.boms.build } : {}),
  });
}

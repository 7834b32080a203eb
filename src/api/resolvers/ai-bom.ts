// Query.aiBom: the AI-BOM of a model in CycloneDX 1.6 / 1.7 (schema-validated) or SPDX 3.0.1.
import { BomError, exportAiBom } from '../../bom/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, parseDigest } from '../errors.ts';
import type { QueryArgs } from './views.ts';

export async function aiBom(_: unknown, args: QueryArgs<'aiBom'>, context: ApiContext): Promise<unknown> {
  try {
    return await exportAiBom(context.graph, parseDigest(args.digest), args.format, {
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(context.publicUrl ? { baseUrl: context.publicUrl } : {}),
    });
  } catch (error) {
    if (error instanceof BomError && error.code === 'NOT_FOUND') throw new ApiError('NOT_FOUND', error.message);
    if (error instanceof BomError && error.code === 'NOT_A_MODEL') throw new ApiError('BAD_REQUEST', error.message);
    throw error;
  }
}

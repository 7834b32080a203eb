// Query.aiBom: the AI-BOM of a model in CycloneDX 1.6 / 1.7 or SPDX 3.0.1.
import type { ApiContext } from '../context.ts';
import { ApiError, parseDigest } from '../errors.ts';

export async function aiBom(_: unknown, args: { digest: string; format: string }, _context: ApiContext): Promise<unknown> {
  parseDigest(args.digest);
  throw new ApiError('INTERNAL', 'AI-BOM export is not wired yet');
}

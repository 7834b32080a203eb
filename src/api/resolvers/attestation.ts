// Query.attestation: one recorded attestation, verified or rejected.
import { findAttestation } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import type { Attestation } from './schema-types.ts';
import { attestationObject, type QueryArgs } from './views.ts';

export async function attestation(_: unknown, args: QueryArgs<'attestation'>, context: ApiContext): Promise<Attestation | null> {
  const view = await findAttestation(context.graph, parseDigest(args.digest));
  return view ? attestationObject(view) : null;
}

// Query.attestation: one recorded attestation, verified or rejected.
import { findAttestation } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { attestationObject } from './views.ts';

export async function attestation(_: unknown, args: { digest: string }, context: ApiContext) {
  const view = await findAttestation(context.graph, parseDigest(args.digest));
  return view ? attestationObject(view) : null;
}

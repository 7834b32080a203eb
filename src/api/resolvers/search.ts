// Query.search: where to start exploring, from a digest prefix, a name, a purl or a signer.
import { findAttestation, MAX_SEARCH_TEXT, searchGraph, type SearchHit } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { MAX_PAGE, paginate } from './pagination.ts';
import type { Attestation, ResolversParentTypes, SearchHit as SearchHitObject } from './schema-types.ts';
import { attestationObject, signerObject, type QueryArgs } from './views.ts';

export async function search(
  _: unknown,
  args: QueryArgs<'search'>,
  context: ApiContext,
): Promise<ResolversParentTypes['SearchConnection']> {
  const text = args.text.trim();
  if (text.length === 0 || text.length > MAX_SEARCH_TEXT)
    throw new ApiError('BAD_REQUEST', `text must be 1 to ${MAX_SEARCH_TEXT} characters`);
  // Every kind of match is bounded by the largest page, so any page of the combined list can be served.
  const result = await searchGraph(context.graph, text, MAX_PAGE);
  return { ...paginate(result.hits.map(hitObject), args.first, args.after), truncated: result.truncated };
}

/** A hit as Query.search returns it: an attestation named by digest, read by `searchHitAttestation` when selected. */
export type SearchHitParent = Omit<SearchHitObject, 'attestation'> & { readonly attestation: string | null };

function hitObject(hit: SearchHit): SearchHitParent {
  switch (hit.match) {
    case 'SIGNER':
      return { match: hit.match, node: null, signer: signerObject(hit.signer), signed: hit.signed, attestation: null };
    case 'ATTESTATION':
      return { match: hit.match, node: null, signer: null, signed: null, attestation: hit.attestation };
    default:
      return { match: hit.match, node: hit.node, signer: null, signed: null, attestation: null };
  }
}

/** SearchHit.attestation: read only when selected, for the few attestation hits on a page. */
export async function searchHitAttestation(hit: SearchHitParent, _: unknown, context: ApiContext): Promise<Attestation | null> {
  if (hit.attestation === null) return null;
  const view = await findAttestation(context.graph, hit.attestation);
  return view ? attestationObject(view) : null;
}

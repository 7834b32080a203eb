// @sigstore/core's ASN.1 view of a certificate (extensions, key usage, basic constraints, names), parsed once per
// distinct DER. One verification reads the same certificate several times (Fulcio routing, path length, key usage,
// the path rules), and a service sees the same intermediates and anchors in bundle after bundle; parsing is most of
// the cost of those reads (npm run bench -- verify, certificate case). Bounded: the least recently used entry goes.

import { X509Certificate as AsnCertificate } from '@sigstore/core';

const MAX_ENTRIES = 128;
const cache = new Map<string, AsnCertificate>();

/** The parsed certificate; throws (uncached) for DER @sigstore/core cannot read. */
export function asnOf(der: Buffer): AsnCertificate {
  const key = der.toString('latin1');
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key); // re-inserted below: Map order is the recency order
    cache.set(key, hit);
    return hit;
  }
  const parsed = AsnCertificate.parse(Buffer.from(der));
  cache.set(key, parsed);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return parsed;
}

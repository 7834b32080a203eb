// Strict encoding check of a Sigstore bundle's protobuf-JSON before it reaches `bundleFromJSON`.
// protobuf-specs' generated fromJSON decodes leniently: base64 with stray characters yields *some* bytes and a
// negative log index passes as a number. Those bundles do fail later, but for an unrelated-looking reason (a bad SET);
// rejecting them here as malformed states what is wrong (sigstore-conformance bundle-invalid-base64-signature_fail,
// bundle-negative-log-index_fail).

import { fail, type Failure } from '../check.ts';

/** `bytes` fields of Bundle, VerificationMaterial, TransparencyLogEntry, Envelope (protobuf-specs bundle.proto etc.). */
const BYTES_FIELDS = new Set([
  'signature', // MessageSignature.signature
  'digest', // HashOutput.digest
  'payload', // Envelope.payload
  'sig', // Envelope.signatures[].sig
  'rawBytes', // X509Certificate.rawBytes
  'keyId', // LogId.keyId
  'canonicalizedBody',
  'signedEntryTimestamp',
  'rootHash',
  'hashes',
  'signedTimestamp', // RFC3161SignedTimestamp
]);
/** int64 fields that are indices, sizes or times: never negative. */
const UINT_FIELDS = new Set(['logIndex', 'integratedTime', 'treeSize']);

/** protobuf-JSON accepts standard or URL-safe base64, with or without padding. */
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;
const UINT = /^(?:0|[1-9][0-9]*)$/;

/** A bundle nests about 8 levels; anything far deeper is hostile input, refused before recursion can overflow. */
const MAX_DEPTH = 32;

export function checkBundleEncoding(json: unknown): Failure | undefined {
  return walk(json, '$', 0);
}

function walk(value: unknown, path: string, depth: number): Failure | undefined {
  if (depth > MAX_DEPTH) return fail('MALFORMED_BUNDLE', `${path} is nested too deeply`);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = walk(v, `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (BYTES_FIELDS.has(key)) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (typeof item === 'string' && !isBase64(item)) return fail('MALFORMED_BUNDLE', `${at} is not base64`);
      }
      continue;
    }
    if (UINT_FIELDS.has(key)) {
      const text = typeof v === 'number' ? String(v) : v;
      if (typeof text !== 'string' || !UINT.test(text)) {
        return fail('MALFORMED_BUNDLE', `${at} is not a non-negative integer`);
      }
      continue;
    }
    const bad = walk(v, at, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

function isBase64(raw: string): boolean {
  // Line breaks are tolerated as Go's encoding/base64 (protojson) and Node's decoder do: wrapped base64 from
  // `base64`/`openssl` is common (sigstore-conformance rekor2-timestamp-with-incorrect-time_fail has one).
  const s = raw.replace(/[\r\n]/g, '');
  if (!BASE64.test(s)) return false;
  // with padding the length is a multiple of 4; without, a remainder of 1 is impossible
  return s.endsWith('=') ? s.length % 4 === 0 : s.length % 4 !== 1;
}

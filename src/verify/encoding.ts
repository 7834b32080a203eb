// Byte encodings met at the edge: protobuf-JSON bytes fields (RFC 4648 base64, standard or URL-safe alphabet,
// padding optional, as protobuf's JSON mapping accepts) and lower-case hex digests.

import { hash } from 'node:crypto';

// A search for one character outside the alphabet: same meaning as an anchored /^[…]*$/, about twice as fast on
// the multi-KB base64 of a DSSE payload, which every verification checks (npm run bench -- verify).
const NOT_STANDARD = /[^A-Za-z0-9+/]/;
const NOT_URL_SAFE = /[^A-Za-z0-9_-]/;

/** The base64 text without its padding, or undefined unless the whole text is base64. */
function base64Body(text: string): string | undefined {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - pad);
  if (body.length % 4 === 1) return undefined;
  if (pad > 0 && text.length % 4 !== 0) return undefined;
  if (NOT_STANDARD.test(body) && NOT_URL_SAFE.test(body)) return undefined;
  return body;
}

/**
 * Strict base64 decode: undefined unless the whole text is base64.
 * SECURITY: Buffer.from(text, 'base64') silently skips foreign characters; checking first means the bytes we verify
 * are exactly the bytes the document spelled out.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const body = base64Body(text);
  return body === undefined ? undefined : Buffer.from(body, 'base64');
}

/** Validates without decoding, for schema checks of fields decoded later (or never). */
export function isBase64(text: string): boolean {
  return base64Body(text) !== undefined;
}

const LOWER_HEX = /^(?:[0-9a-f]{2})+$/;

/** Lower-case hex of whole bytes, as OMS digests and in-toto DigestSets write them. */
export function isLowerHex(text: string): boolean {
  return LOWER_HEX.test(text);
}

/** One-shot crypto.hash: no Hash object per call (every verification hashes the whole document). */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** Decodes UTF-8 strictly: undefined on any invalid sequence (JSON text must be UTF-8, RFC 8259 §8.1). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

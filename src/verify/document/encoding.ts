// Byte encodings met at the edge: protobuf-JSON bytes fields (RFC 4648 base64, standard or URL-safe alphabet,
// padding optional, as protobuf's JSON mapping accepts) and lower-case hex digests.

import { hash } from 'node:crypto';

// A search for one character outside the alphabet: same meaning as an anchored /^[…]*$/, about twice as fast on
// the multi-KB base64 of a DSSE payload, which every verification checks (npm run bench -- verify).
const NOT_STANDARD = /[^A-Za-z0-9+/]/;
const NOT_URL_SAFE = /[^A-Za-z0-9_-]/;

/** The text without its padding, or undefined when the padding or length cannot be base64. */
function unpadded(text: string): string | undefined {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - pad);
  if (body.length % 4 === 1) return undefined;
  if (pad > 0 && text.length % 4 !== 0) return undefined;
  return body;
}

/**
 * Strict base64 decode: undefined unless the whole text is base64.
 * SECURITY: Buffer.from(text, 'base64') silently skips foreign characters and reads a non-ASCII UTF-16 unit by its
 * low byte (U+0141 decodes as "A"); checking first means the bytes we verify are exactly the bytes the document
 * spelled out. Here the check follows the decode instead of a pattern scan before it, about 3 µs less for a
 * DSSE payload, which every verification decodes (npm run bench -- verify): ASCII only (a UTF-8 length equal to the
 * UTF-16 length), then every character must have counted (a skipped one shortens the output), then one alphabet.
 * `isBase64` keeps the pattern; test/unit/verify/encoding.test.ts pins the two to the same answers.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const body = unpadded(text);
  if (body === undefined || Buffer.byteLength(body, 'utf8') !== body.length) return undefined;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length !== Math.floor((body.length * 3) / 4)) return undefined;
  const urlSafe = body.includes('-') || body.includes('_');
  if (urlSafe && (body.includes('+') || body.includes('/'))) return undefined;
  return bytes;
}

/** Validates without decoding, for schema checks of fields decoded later (or never). */
export function isBase64(text: string): boolean {
  const body = unpadded(text);
  return body !== undefined && !(NOT_STANDARD.test(body) && NOT_URL_SAFE.test(body));
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

// Byte encodings met at the edge: protobuf-JSON bytes fields (RFC 4648 base64, standard or URL-safe alphabet,
// padding optional, as protobuf's JSON mapping accepts) and lower-case hex digests.

import { createHash } from 'node:crypto';

const STANDARD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64 decode: undefined unless the whole text is base64.
 * SECURITY: Buffer.from(text, 'base64') silently skips foreign characters; checking first means the bytes we verify
 * are exactly the bytes the document spelled out.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const body = text.replace(/={1,2}$/, '');
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  if (!STANDARD.test(body) && !URL_SAFE.test(body)) return undefined;
  return Buffer.from(body, 'base64');
}

export function isBase64(text: string): boolean {
  return decodeBase64(text) !== undefined;
}

const LOWER_HEX = /^(?:[0-9a-f]{2})+$/;

/** Lower-case hex of whole bytes, as OMS digests and in-toto DigestSets write them. */
export function isLowerHex(text: string): boolean {
  return LOWER_HEX.test(text);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Decodes UTF-8 strictly: undefined on any invalid sequence (JSON text must be UTF-8, RFC 8259 §8.1). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

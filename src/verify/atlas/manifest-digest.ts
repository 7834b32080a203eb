// How Atlas CLI pins a manifest it links to: a cross-reference's `manifest_hash` is the hex hash of
// `serde_json::to_string(&target)` (atlas-cli src/manifest/mod.rs, link_manifests and create_manifest), the compact
// JSON of the manifest as stored; the algorithm follows from the hash's length (SHA-256, SHA-384 by default,
// SHA-512; atlas-cli hash::detect_hash_algorithm). Atlas stores manifests with `to_string_pretty`, which differs from
// the compact form only by whitespace between tokens, so the compact form of a submitted manifest is its text
// without that whitespace.

import { hash } from 'node:crypto';
import type { Digest } from '../types.ts';

const ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;

/** The algorithm of a hex manifest hash by its length, as Atlas detects it; undefined for any other string. */
export function manifestHashAlgorithm(hex: string): 'sha256' | 'sha384' | 'sha512' | undefined {
  if (!/^[0-9a-f]+$/.test(hex)) return undefined;
  return hex.length === 64 ? 'sha256' : hex.length === 96 ? 'sha384' : hex.length === 128 ? 'sha512' : undefined;
}

/** The SHA-256, SHA-384 and SHA-512 digests of the manifest's compact JSON: the values a cross-reference may pin. */
export function manifestDigests(text: string): Digest[] {
  const compact = compactJson(text);
  return ALGORITHMS.map((algorithm) => ({ algorithm, hex: hash(algorithm, compact, 'hex') }));
}

/** JSON text without insignificant whitespace (RFC 8259 §2: space, tab, LF, CR outside strings). */
export function compactJson(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 1;
    else if (c === 0x22) return i;
  }
  return text.length;
}

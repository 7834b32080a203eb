// The bytes a standalone Atlas manifest's signature covers, rebuilt from its JSON. Atlas CLI 0.3.0 signs
// `serde_cbor::to_vec(&manifest.claim)` with the claim's `signature` still None (atlas-cli src/manifest/signer.rs),
// then writes the manifest with serde_json. Both serializers walk the same serde data model in struct-field order,
// so the JSON text, read in its own key order, determines the CBOR (RFC 8949) serde_cbor wrote:
//   object → map (definite length, text keys in text order), array → array, string → text string,
//   true/false/null → simple values, integer → major type 0/1 in the shortest form,
//   number with a fraction or exponent → the shortest of half/single/double float that holds it exactly.
// JSON.parse cannot be used: it reorders integer-like keys and forgets whether `1.0` had a fraction.

import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';

/** A JSON value that keeps what CBOR needs: key order and the number's text. */
export type OrderedJson =
  | { readonly t: 'object'; readonly entries: readonly (readonly [string, OrderedJson])[] }
  | { readonly t: 'array'; readonly items: readonly OrderedJson[] }
  | { readonly t: 'string'; readonly value: string }
  | { readonly t: 'number'; readonly text: string }
  | { readonly t: 'boolean'; readonly value: boolean }
  | { readonly t: 'null' };

const WS = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- a raw control character ends a JSON string (RFC 8259 §7)
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Parses JSON text keeping key order and number text. The caller has bounded the nesting (limits.ts), so the
 * recursion is bounded too. Returns undefined for text that is not one JSON value, or that repeats a key in an object.
 */
export function parseOrderedJson(text: string): OrderedJson | undefined {
  let at = 0;
  const skip = (): void => {
    WS.lastIndex = at;
    WS.exec(text);
    at = WS.lastIndex;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (m === null) return undefined;
    at = pattern.lastIndex;
    return m[0];
  };
  const value = (): OrderedJson | undefined => {
    skip();
    const c = text[at];
    if (c === '{') {
      at += 1;
      const entries: [string, OrderedJson][] = [];
      skip();
      if (text[at] === '}') {
        at += 1;
        return { t: 'object', entries };
      }
      for (;;) {
        skip();
        const key = token(STRING);
        if (key === undefined) return undefined;
        skip();
        if (text[at] !== ':') return undefined;
        at += 1;
        const v = value();
        if (v === undefined) return undefined;
        const name = JSON.parse(key) as string;
        // SECURITY: JSON.parse keeps the last of two equal keys, this reader would sign-check the first; a document
        // with both could have one claim verified and another read. Duplicates make it unreadable instead.
        if (entries.some(([k]) => k === name)) return undefined;
        entries.push([name, v]);
        skip();
        if (text[at] === ',') at += 1;
        else if (text[at] === '}') {
          at += 1;
          return { t: 'object', entries };
        } else return undefined;
      }
    }
    if (c === '[') {
      at += 1;
      const items: OrderedJson[] = [];
      skip();
      if (text[at] === ']') {
        at += 1;
        return { t: 'array', items };
      }
      for (;;) {
        const v = value();
        if (v === undefined) return undefined;
        items.push(v);
        skip();
        if (text[at] === ',') at += 1;
        else if (text[at] === ']') {
          at += 1;
          return { t: 'array', items };
        } else return undefined;
      }
    }
    if (c === '"') {
      const s = token(STRING);
      return s === undefined ? undefined : { t: 'string', value: JSON.parse(s) as string };
    }
    for (const [word, v] of [
      ['true', { t: 'boolean', value: true }],
      ['false', { t: 'boolean', value: false }],
      ['null', { t: 'null' }],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    const n = token(NUMBER);
    return n === undefined ? undefined : { t: 'number', text: n };
  };
  const result = value();
  skip();
  return result !== undefined && at === text.length ? result : undefined;
}

/** A member of an ordered object. */
export function member(value: OrderedJson, key: string): OrderedJson | undefined {
  return value.t === 'object' ? value.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** The object with one member's value replaced (order kept). */
export function withMember(value: OrderedJson, key: string, replacement: OrderedJson): OrderedJson {
  if (value.t !== 'object') return value;
  return { t: 'object', entries: value.entries.map(([k, v]) => [k, k === key ? replacement : v] as const) };
}

/** serde_cbor's encoding of the value (see the top of this file); a Failure names a number CBOR cannot hold. */
export function toCbor(value: OrderedJson): Check<Buffer> {
  const parts: Buffer[] = [];
  const problem = encode(value, parts);
  return problem === undefined ? ok(Buffer.concat(parts)) : fail('MALFORMED_MANIFEST', problem);
}

function encode(value: OrderedJson, out: Buffer[]): string | undefined {
  switch (value.t) {
    case 'object':
      out.push(head(5, BigInt(value.entries.length)));
      for (const [k, v] of value.entries) {
        encode({ t: 'string', value: k }, out);
        const problem = encode(v, out);
        if (problem !== undefined) return problem;
      }
      return undefined;
    case 'array':
      out.push(head(4, BigInt(value.items.length)));
      for (const item of value.items) {
        const problem = encode(item, out);
        if (problem !== undefined) return problem;
      }
      return undefined;
    case 'string': {
      const bytes = Buffer.from(value.value, 'utf8');
      out.push(head(3, BigInt(bytes.length)), bytes);
      return undefined;
    }
    case 'boolean':
      out.push(Buffer.from([value.value ? 0xf5 : 0xf4]));
      return undefined;
    case 'null':
      out.push(Buffer.from([0xf6]));
      return undefined;
    case 'number':
      return encodeNumber(value.text, out);
  }
}

const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);

function encodeNumber(text: string, out: Buffer[]): string | undefined {
  if (!/[.eE]/.test(text)) {
    const n = BigInt(text);
    // serde_json reads an integer beyond u64/i64 as a float (without its arbitrary_precision feature).
    if (n >= 0n && n <= U64_MAX) {
      out.push(head(0, n));
      return undefined;
    }
    if (n < 0n && n >= I64_MIN) {
      out.push(head(1, -1n - n));
      return undefined;
    }
  }
  const x = Number(text);
  if (!Number.isFinite(x)) return `the number ${text.slice(0, 40)} is out of range.`;
  out.push(float(x));
  return undefined;
}

/** serde_cbor serialize_f64 → serialize_f32: the narrowest IEEE 754 width that holds x exactly. */
function float(x: number): Buffer {
  if (Math.fround(x) !== x) {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(x, 1);
    return b;
  }
  const half = float16Bits(x);
  if (half !== undefined) {
    const b = Buffer.alloc(3);
    b[0] = 0xf9;
    b.writeUInt16BE(half, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = 0xfa;
  b.writeFloatBE(x, 1);
  return b;
}

/** The binary16 bits of x when x is exactly a half-precision value (normal, subnormal or zero), else undefined. */
function float16Bits(x: number): number | undefined {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === 0) return sign;
  if (a < 2 ** -14) {
    const k = a * 2 ** 24;
    return Number.isInteger(k) ? sign | k : undefined;
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  if (e > 15) return undefined;
  const m = a / 2 ** (e - 10);
  return Number.isInteger(m) ? sign | ((e + 15) << 10) | (m - 1024) : undefined;
}

/** CBOR initial byte(s): major type and argument, shortest form (RFC 8949 §3). */
function head(major: number, n: bigint): Buffer {
  const mt = major << 5;
  if (n < 24n) return Buffer.from([mt | Number(n)]);
  if (n < 0x100n) return Buffer.from([mt | 24, Number(n)]);
  if (n < 0x10000n) {
    const b = Buffer.alloc(3);
    b[0] = mt | 25;
    b.writeUInt16BE(Number(n), 1);
    return b;
  }
  if (n < 0x100000000n) {
    const b = Buffer.alloc(5);
    b[0] = mt | 26;
    b.writeUInt32BE(Number(n), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = mt | 27;
  b.writeBigUInt64BE(n, 1);
  return b;
}

// Mutations of real signed documents, from a seeded generator so every run can be repeated (`--seed`). Two families:
//  - unsigned: the document itself is damaged (bytes flipped, cut or inserted; a JSON member removed, retyped,
//    duplicated or blown up; the signed payload altered without signing it again) — verification must reject it;
//  - re-signed: the in-toto statement inside is damaged the same ways and then signed again with a key the service
//    trusts, wrapped as a Sigstore bundle or a bare DSSE envelope — it passes the signature check, so everything
//    after it (statement, predicate, OMS manifest, lineage extraction) meets the damage.
import { sign, type KeyObject } from 'node:crypto';
import { pae } from '../../src/verify/index.ts';

export interface FuzzSigner {
  readonly privateKey: KeyObject;
  /** OMS hint: hex SHA-256 of the public key's PEM text. */
  readonly hint: string;
}

export interface Mutant {
  readonly bytes: Buffer;
  readonly family: 'unsigned' | 'resigned';
  /** what was done, for the report and for reproducing a failure. */
  readonly how: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const IN_TOTO = 'application/vnd.in-toto+json';

/** Replacement values: wrong types, edge numbers, odd strings, deep nesting, big lists. */
function oddValue(rng: Rng): { value: Json; name: string } {
  const choices: (() => { value: Json; name: string })[] = [
    () => ({ value: null, name: 'null' }),
    () => ({ value: true, name: 'true' }),
    () => ({ value: 0, name: '0' }),
    () => ({ value: -1, name: '-1' }),
    () => ({ value: 1e308, name: '1e308' }),
    () => ({ value: 2 ** 53 + 1, name: '2^53+1' }),
    () => ({ value: 0.5, name: '0.5' }),
    () => ({ value: '', name: 'empty string' }),
    () => ({ value: 'x'.repeat(1 + Math.floor(rng() * 20_000)), name: 'long string' }),
    () => ({ value: '../../etc/passwd', name: 'path traversal' }),
    () => ({ value: '\u0000\ud800\uffff', name: 'odd code points' }),
    () => ({ value: 'sha256:' + 'g'.repeat(64), name: 'bad hex' }),
    () => ({ value: 'A'.repeat(64), name: 'upper-case hex' }),
    () => ({ value: [], name: 'empty list' }),
    () => ({ value: {}, name: 'empty object' }),
    () => ({ value: Array.from({ length: 1 + Math.floor(rng() * 2000) }, (_, i) => i), name: 'long list' }),
    () => {
      let deep: Json = 'bottom';
      const levels = 1 + Math.floor(rng() * 200);
      for (let i = 0; i < levels; i++) deep = [deep];
      return { value: deep, name: `nested ${levels}` };
    },
  ];
  return pick(rng, choices)();
}

/** Every path to a member or element of `value`. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object' || out.length > 5000) return out;
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const at = [...prefix, key];
    out.push(at);
    paths(child, at, out);
  }
  return out;
}

/** One structural mutation of a JSON value (a copy): remove, retype, duplicate, swap, rename or add. */
function mutateJson(value: Json, rng: Rng): { value: Json; how: string } {
  const copy = structuredClone(value);
  const all = paths(copy);
  if (all.length === 0) return { value: oddValue(rng).value, how: 'whole document replaced' };
  const at = pick(rng, all);
  let parent: Json = copy;
  for (const key of at.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] as Json;
  const last = at[at.length - 1] as string | number;
  const list = Array.isArray(parent) ? parent : null;
  const container = parent as Record<string | number, Json>;
  const where = at.join('.');
  const op = Math.floor(rng() * 6);
  if (op === 0) {
    if (list) list.splice(Number(last), 1);
    else delete container[last];
    return { value: copy, how: `removed ${where}` };
  }
  if (op === 1 && list) {
    list.push(structuredClone(list[Number(last)] as Json));
    return { value: copy, how: `duplicated ${where}` };
  }
  if (op === 2 && !list) {
    const keys = Object.keys(container);
    const other = pick(rng, keys);
    [container[last], container[other]] = [container[other] as Json, container[last] as Json];
    return { value: copy, how: `swapped ${where} with ${other}` };
  }
  if (op === 3 && !list) {
    container[`${String(last)}_`] = container[last] as Json;
    delete container[last];
    return { value: copy, how: `renamed ${where}` };
  }
  if (op === 4 && typeof container[last] === 'string') {
    const text = container[last] as string;
    const i = Math.floor(rng() * (text.length + 1));
    container[last] = text.slice(0, i) + pick(rng, ['0', 'f', '/', '..', ' ', 'é', '"', '\\']) + text.slice(i + 1);
    return { value: copy, how: `edited a character of ${where}` };
  }
  const odd = oddValue(rng);
  container[last] = odd.value;
  return { value: copy, how: `${where} = ${odd.name}` };
}

function mutateBytes(bytes: Buffer, rng: Rng): { bytes: Buffer; how: string } {
  const at = Math.floor(rng() * bytes.length);
  switch (Math.floor(rng() * 4)) {
    case 0: {
      const out = Buffer.from(bytes);
      out[at] = (out[at] ?? 0) ^ (1 + Math.floor(rng() * 255));
      return { bytes: out, how: `flipped byte ${at}` };
    }
    case 1:
      return { bytes: bytes.subarray(0, Math.max(1, at)), how: `cut at ${at}` };
    case 2: {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 16) }, () => Math.floor(rng() * 256)));
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]),
        how: `inserted ${junk.length} bytes at ${at}`,
      };
    }
    default:
      return { bytes: Buffer.concat([bytes, bytes.subarray(0, at)]), how: 'trailing copy' };
  }
}

interface Envelope {
  payloadType?: unknown;
  payload_type?: unknown;
  payload?: unknown;
  signatures?: unknown;
}

/** The DSSE envelope of a Sigstore bundle or a bare envelope, or null. */
export function envelopeOf(document: Json): Envelope | null {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return null;
  const inner = (document as Record<string, Json>)['dsseEnvelope'];
  const envelope = (inner && typeof inner === 'object' ? inner : document) as Envelope;
  return typeof envelope.payload === 'string' ? envelope : null;
}

/** Signs `payload` as an in-toto DSSE envelope with the fuzz key, as a v0.3 bundle or a bare envelope. */
export function signed(payload: Buffer, payloadType: string, signer: FuzzSigner, asBundle: boolean): Buffer {
  const curve = signer.privateKey.asymmetricKeyDetails?.namedCurve;
  const sig = sign(curve === 'secp384r1' ? 'sha384' : 'sha256', pae(payloadType, payload), signer.privateKey);
  const envelope = { payloadType, payload: payload.toString('base64'), signatures: [{ sig: sig.toString('base64') }] };
  const document = asBundle
    ? {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: { publicKey: { hint: signer.hint }, tlogEntries: [] },
        dsseEnvelope: envelope,
      }
    : envelope;
  return Buffer.from(JSON.stringify(document));
}

/** One mutant of `seed` (a fixture document's bytes). */
export function mutate(seed: Buffer, rng: Rng, signer: FuzzSigner): Mutant {
  let document: Json | undefined;
  try {
    document = JSON.parse(seed.toString('utf8')) as Json;
  } catch {
    document = undefined;
  }
  const envelope = document === undefined ? null : envelopeOf(document);
  const statementText = envelope ? Buffer.from(envelope.payload as string, 'base64').toString('utf8') : null;
  let statement: Json | undefined;
  try {
    statement = statementText === null ? undefined : (JSON.parse(statementText) as Json);
  } catch {
    statement = undefined;
  }

  if (statement !== undefined && rng() < 0.5) {
    // Re-signed: damage the statement (1–3 times, or not at all now and then), sign it again with a trusted key.
    const rounds = rng() < 0.1 ? 0 : 1 + Math.floor(rng() * 3);
    let value: Json = statement;
    const hows: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const next = mutateJson(value, rng);
      value = next.value;
      hows.push(next.how);
    }
    const payloadType = rng() < 0.05 ? pick(rng, ['application/json', 'text/plain', '']) : IN_TOTO;
    const asBundle = rng() < 0.5;
    const how = `${hows.join('; ') || 'unchanged statement'}${payloadType === IN_TOTO ? '' : `; payloadType ${JSON.stringify(payloadType)}`}`;
    return {
      bytes: signed(Buffer.from(JSON.stringify(value)), payloadType, signer, asBundle),
      family: 'resigned',
      how: `${asBundle ? 'bundle' : 'envelope'}: ${how}`,
    };
  }

  const choice = rng();
  if (document !== undefined && envelope && statement !== undefined && choice < 0.3) {
    // The signed payload altered but not signed again.
    const next = mutateJson(statement, rng);
    envelope.payload = Buffer.from(JSON.stringify(next.value)).toString('base64');
    return { bytes: Buffer.from(JSON.stringify(document)), family: 'unsigned', how: `payload ${next.how}, not re-signed` };
  }
  if (document !== undefined && choice < 0.7) {
    const next = mutateJson(document, rng);
    return { bytes: Buffer.from(JSON.stringify(next.value)), family: 'unsigned', how: next.how };
  }
  const next = mutateBytes(seed, rng);
  return { bytes: next.bytes, family: 'unsigned', how: next.how };
}

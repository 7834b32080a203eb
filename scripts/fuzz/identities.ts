// The fuzz run's own identities. The fixtures' statements name the artifacts, packages and datasets that other test
// files check edge by edge in the suite's shared Neo4j; a mutant that verifies would add its evidence to them. So
// before mutating, each fixture's statement is given identities of the fuzz seed's own (every digest replaced by a
// digest derived from it and the seed; package, dataset and builder addresses, run ids, URNs and subject names marked
// with the seed) and signed again with the fuzz key in its envelope's shape. The same seed gives the same identities,
// so a failure can be repeated; other seeds, and every test, name other artifacts.
import { createHash } from 'node:crypto';
import { computeOmsRootDigest, isOmsPredicateType } from '../../src/verify/index.ts';
import { envelopeOf, signed, type FuzzSigner, type Json } from './mutate.ts';

const HEX = /^[0-9a-f]{32,128}$/;
const PREFIXED_HEX = /^([a-z0-9-]+:)([0-9a-f]{32,128})$/;
const PURL = /^(pkg:[^/]+\/)(.+)$/;
const URL_ADDRESS = /^([a-z][a-z0-9+.-]*:\/\/)(.+)$/;
/** Members whose addresses name something (a package, dataset, builder, location); type URIs elsewhere stay. */
const ADDRESS_KEYS = new Set(['id', 'uri', 'url', 'purl', 'name', 'downloadLocation', 'software_downloadLocation']);
/** Members that name a run, a creator or an element by a plain string or a URN. */
const NAME_KEYS = new Set(['invocationId', 'spdxId', 'createdBy', 'serialNumber']);

/** A value with every identity in it made the seed's own. */
function renamed(value: Json, tag: string, key: string | null): Json {
  if (Array.isArray(value)) return value.map((item) => renamed(item, tag, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, tag, k)]));
  }
  if (typeof value !== 'string') return value;
  const digest = (hex: string): string => createHash('sha512').update(`${tag}:${hex}`).digest('hex').slice(0, hex.length);
  if (HEX.test(value)) return digest(value);
  const prefixed = PREFIXED_HEX.exec(value);
  if (prefixed) return `${prefixed[1]}${digest(prefixed[2] as string)}`;
  const purl = PURL.exec(value);
  if (purl) return `${purl[1]}${tag}-${purl[2]}`;
  const address = key !== null && ADDRESS_KEYS.has(key) ? URL_ADDRESS.exec(value) : null;
  if (address) return `${address[1]}${tag}.${address[2]}`;
  if (key !== null && NAME_KEYS.has(key)) return value.startsWith('urn:') ? `urn:${tag}:${value.slice(4)}` : `${tag}/${value}`;
  return value;
}

/**
 * `document` (a fixture: a Sigstore bundle or a DSSE envelope of an in-toto statement) with the identities of fuzz
 * seed `seed`, signed with `signer`; null when it holds no statement to rename. An OMS statement's subject gets the
 * root digest of its renamed resources, so that it still verifies.
 */
export function withFuzzIdentities(document: Buffer, seed: number, signer: FuzzSigner): Buffer | null {
  let parsed: Json;
  try {
    parsed = JSON.parse(document.toString('utf8')) as Json;
  } catch {
    return null;
  }
  const envelope = envelopeOf(parsed);
  if (!envelope || typeof envelope.payloadType !== 'string') return null;
  let statement: Json;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload as string, 'base64').toString('utf8')) as Json;
  } catch {
    return null;
  }
  const tag = `fuzz-${seed}`;
  const ours = renamed(statement, tag, null) as { [key: string]: Json };
  for (const subject of Array.isArray(ours['subject']) ? ours['subject'] : []) {
    const named = subject as { name?: Json } | null;
    if (named && typeof named.name === 'string') named.name = `${tag}/${named.name}`;
  }
  if (typeof ours['predicateType'] === 'string' && isOmsPredicateType(ours['predicateType'])) rootFromResources(ours);
  const asBundle = parsed !== envelope;
  return signed(Buffer.from(JSON.stringify(ours)), envelope.payloadType, signer, asBundle);
}

/** Sets the OMS subject's digest to the root of its resources' digests (left alone when they are not plain hex). */
function rootFromResources(statement: { [key: string]: Json }): void {
  const predicate = statement['predicate'] as { resources?: { digest?: Json }[] } | null;
  const subject = (statement['subject'] as { digest?: { [key: string]: Json } }[] | undefined)?.[0];
  const digests = predicate?.resources?.map((r) => r.digest);
  if (!subject?.digest || !digests || !digests.every((d): d is string => typeof d === 'string' && HEX.test(d))) return;
  subject.digest['sha256'] = computeOmsRootDigest(digests);
}

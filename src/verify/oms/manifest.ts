// OpenSSF Model Signing payloads → OmsManifest.
//   v1.0 (`https://model_signing/signature/v1.0`, OMS spec v1.0 §5–§6): one subject = root digest, predicate.resources.
//   legacy (`https://model_signing/Digests/v0.1`, reference v0.2.0, spec §5.1 note): one subject per file, no
//   serialization object; read the way the reference's `dsse_payload_to_manifest_compat` reads it.

import { z } from 'zod';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { isLowerHex, sha256Hex } from '../document/encoding.ts';
import { checkShardRanges, parseShardName, pathProblem } from './resources.ts';
import type { ShardName } from './resources.ts';
import { STATEMENT_V1 } from '../document/statement.ts';
import type { OmsManifest, OmsResource, OmsSerialization, Statement } from '../types.ts';
import { describeIssues } from '../document/zod-issues.ts';

export const OMS_PREDICATE_V1 = 'https://model_signing/signature/v1.0';
export const OMS_PREDICATE_LEGACY = 'https://model_signing/Digests/v0.1';

/** Digest sizes in bytes (OMS algorithm-registry.md): blake2b is BLAKE2b-512, blake3 is BLAKE3-256. */
const HASH_BYTES: Readonly<Record<string, number>> = { sha256: 32, blake2b: 64, blake3: 32 };

/**
 * OMS spec §6.5.1: SHA-256 over the concatenated raw digest bytes, in the order the resources are listed.
 * One decode of the joined hex and a one-shot hash rather than a buffer and an update per resource: this runs on
 * every verification. Callers pass whole-byte hex digests (checkResources checks them), so joining them first
 * decodes to the same bytes as decoding each one.
 */
export function computeOmsRootDigest(hexDigests: readonly string[]): string {
  return sha256Hex(Buffer.from(hexDigests.join(''), 'hex'));
}

// Unknown fields are ignored (spec §5.2.1: verifiers MUST ignore unrecognised resource fields), so the objects
// are not strict — unlike the spec's JSON Schema, which must not be a hard gate (conformance README).
const PredicateSchema = z.object({
  resources: z.array(z.object({ name: z.string(), algorithm: z.string(), digest: z.string() })),
  serialization: z.object({
    method: z.enum(['files', 'shards']),
    hash_type: z.string(),
    allow_symlinks: z.boolean(),
    // a JSON float such as 1000000000.0 arrives as a number already; integrality is checked below
    shard_size: z.number().positive().optional(),
    ignore_paths: z.array(z.string()).optional(),
  }),
});

/** Checks an OMS statement whose signature already verified and builds its manifest. */
export function parseOmsManifest(statement: Statement): Check<OmsManifest> {
  if (statement.predicateType === OMS_PREDICATE_LEGACY) return parseLegacy(statement);
  // OMS spec §8.3: the v1.0 predicate is carried only by an in-toto Statement v1.
  if (statement.type !== STATEMENT_V1) {
    return fail('UNSUPPORTED_STATEMENT_TYPE', `An OMS v1.0 signature must be an in-toto Statement v1, not "${statement.type}".`);
  }
  // OMS spec §6.5: exactly one subject, the model as a whole.
  if (statement.subjects.length !== 1) {
    return fail('MULTIPLE_SUBJECTS', `An OMS signature has exactly one subject, this one has ${statement.subjects.length}.`);
  }
  const subject = statement.subjects[0];
  const root = subject?.digest['sha256'];
  if (subject === undefined || root === undefined || !isLowerHex(root) || root.length !== 64) {
    return fail('MALFORMED_STATEMENT', 'The OMS subject has no sha256 root digest (subject[0].digest.sha256).');
  }
  if (statement.predicate === undefined) return fail('MALFORMED_PREDICATE', 'The OMS statement has no predicate.');
  const shape = PredicateSchema.safeParse(statement.predicate);
  if (!shape.success) {
    return fail('MALFORMED_PREDICATE', `The OMS predicate is malformed: ${describeIssues(shape.error, 'predicate.')}.`);
  }
  const { resources: raw, serialization: ser } = shape.data;
  const hashType = ser.hash_type;
  if (HASH_BYTES[hashType] === undefined) {
    return fail('UNSUPPORTED_HASH_ALGORITHM', `The OMS hash_type "${hashType}" is not sha256, blake2b or blake3.`);
  }
  if (raw.length === 0) return fail('RESOURCES_EMPTY', 'The OMS predicate lists no resources (spec §5.2.1).');
  let shardSize: number | undefined;
  if (ser.method === 'shards') {
    if (ser.shard_size === undefined || !Number.isSafeInteger(ser.shard_size)) {
      return fail('SHARD_INVALID', 'The OMS shards serialization needs a positive integer shard_size.');
    }
    shardSize = ser.shard_size;
  }
  const resources = checkResources(raw, hashType, shardSize);
  if (!resources.ok) return resources;
  // SECURITY: the root digest binds the subject (what the graph links) to exactly these resources in this order.
  const computed = computeOmsRootDigest(resources.value.map((r) => r.hex));
  if (computed !== root) {
    return fail(
      'ROOT_DIGEST_MISMATCH',
      `The OMS subject digest ${root} does not match the resources, which hash to ${computed}.`,
    );
  }
  const serialization: OmsSerialization = {
    method: ser.method,
    hashType,
    allowSymlinks: ser.allow_symlinks,
    ...(shardSize === undefined ? {} : { shardSize }),
    ignorePaths: ser.ignore_paths ?? [],
  };
  return ok({
    predicateType: OMS_PREDICATE_V1,
    name: subject.name,
    rootDigest: { algorithm: 'sha256', hex: root },
    resources: resources.value,
    serialization,
  });
}

interface RawResource {
  readonly name: string;
  readonly algorithm: string;
  readonly digest: string;
}

function checkResources(raw: readonly RawResource[], hashType: string, shardSize?: number): Check<OmsResource[]> {
  const out: OmsResource[] = [];
  const seen = new Set<string>();
  const shards = new Map<string, ShardName[]>();
  const paths = raw.map((r) => (shardSize === undefined ? r.name : (parseShardName(r.name)?.path ?? r.name)));
  const singleFile = new Set(paths).size === 1;
  for (const [i, r] of raw.entries()) {
    // built only for a message: this loop runs for every resource of every OMS signature verified
    const where = (): string => `predicate.resources[${i}] "${r.name.slice(0, 200)}"`;
    // SECURITY: one entry per name, else which digest the on-disk check should believe is ambiguous.
    if (seen.has(r.name)) return fail('DUPLICATE_RESOURCE', `${where()} is listed more than once.`);
    seen.add(r.name);
    const shard = shardSize === undefined ? undefined : parseShardName(r.name);
    if (shardSize !== undefined && shard === undefined) {
      return fail('SHARD_INVALID', `${where()} is not a "path:start:end" shard name.`);
    }
    const path = shard?.path ?? r.name;
    const problem = pathProblem(path, singleFile);
    if (problem !== undefined) return fail('RESOURCE_NAME_INVALID', `${where()} ${problem}.`);
    const algorithm = checkAlgorithm(r.algorithm, hashType, shardSize);
    if (!algorithm.ok) return fail(algorithm.code, `${where()}: ${algorithm.message}`);
    if (!isLowerHex(r.digest) || r.digest.length !== 2 * (HASH_BYTES[hashType] ?? 0)) {
      return fail('MALFORMED_PREDICATE', `${where()} digest is not a lower-case hex ${hashType} digest.`);
    }
    if (shard !== undefined) {
      const list = shards.get(path);
      if (list) list.push(shard);
      else shards.set(path, [shard]);
    }
    out.push({
      name: r.name,
      path,
      ...(shard ? { shard: { start: shard.start, end: shard.end } } : {}),
      algorithm: hashType,
      hex: r.digest,
    });
  }
  for (const [path, ranges] of shards) {
    const checked = checkShardRanges(path, ranges, shardSize ?? 0);
    if (!checked.ok) return checked;
  }
  return ok(out);
}

// Resource algorithm: equal to hash_type, or for shards the reference's `<hash>-sharded-<size>` digest name.
// SECURITY: spec §5.2.2 says hash_type decides how files are re-hashed; a resource claiming another algorithm
// would be checked with the wrong hash, so the two must agree.
function checkAlgorithm(algorithm: string, hashType: string, shardSize?: number): Check<true> {
  if (algorithm === hashType) return ok(true);
  if (shardSize !== undefined && algorithm === `${hashType}-sharded-${shardSize}`) return ok(true);
  const base = algorithm.replace(/-sharded-.*$/, '');
  if (HASH_BYTES[base] === undefined) return fail('UNSUPPORTED_HASH_ALGORITHM', `algorithm "${algorithm}" is not supported.`);
  return fail('MALFORMED_PREDICATE', `algorithm "${algorithm}" disagrees with hash_type "${hashType}".`);
}

/** Reference v0.2.0 layout: subjects are the files (sha256 only), the predicate carries nothing. */
function parseLegacy(statement: Statement): Check<OmsManifest> {
  const raw: RawResource[] = statement.subjects.map((s) => ({
    name: s.name,
    algorithm: 'sha256',
    digest: s.digest['sha256'] ?? '',
  }));
  const resources = checkResources(raw, 'sha256');
  if (!resources.ok) return resources;
  return ok({
    predicateType: OMS_PREDICATE_LEGACY,
    // The legacy layout names no model and signs no root digest; we compute one so the graph can key the model
    // the same way as a v1.0 signature of the same files in the same order.
    name: '',
    rootDigest: { algorithm: 'sha256', hex: computeOmsRootDigest(resources.value.map((r) => r.hex)) },
    resources: resources.value,
    serialization: { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
  });
}

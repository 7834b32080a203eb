// OMS v1.0 / legacy payloads → OmsManifest (OMS spec §5, §6.1.2, §6.3.2, §6.5.1).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { computeOmsRootDigest, parseOmsManifest } from '../../../src/verify/oms/manifest.ts';
import type { RejectionCode, Statement } from '../../../src/verify/index.ts';
import { acceptedOmsStatementErrors, omsStatementErrors } from '../../support/oms-spec.ts';
import { SIMPLE, omsStatement, sha256 } from './helpers/sign.ts';
import type { Resource } from './helpers/sign.ts';

function asStatement(raw: Record<string, unknown>): Statement {
  const r = raw as { _type: string; predicateType: string; subject: Statement['subjects']; predicate: unknown };
  return { type: r._type, predicateType: r.predicateType, subjects: r.subject, predicate: r.predicate };
}

/** Parses; a statement that parses must also be one the OMS spec's schema accepts (oms-spec.ts on shard names). */
function parse(resources: Resource[], opts: Parameters<typeof omsStatement>[1] = {}): ReturnType<typeof parseOmsManifest> {
  const statement = omsStatement(resources, opts);
  const result = parseOmsManifest(asStatement(statement));
  if (result.ok) assert.deepEqual(acceptedOmsStatementErrors(statement), [], 'an accepted statement meets the spec schema');
  return result;
}

function expectCode(resources: Resource[], code: RejectionCode, opts: Parameters<typeof omsStatement>[1] = {}): void {
  const r = parse(resources, opts);
  assert.equal(r.ok, false, `expected ${code}`);
  if (!r.ok) assert.equal(r.code, code, r.message);
}

const shards = (size: number) => ({ method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: size });

describe('computeOmsRootDigest', () => {
  test('is SHA-256 over the concatenated raw digest bytes in the listed order', () => {
    const a = sha256('a');
    const b = sha256('b');
    const expected = createHash('sha256')
      .update(Buffer.from(a + b, 'hex'))
      .digest('hex');
    assert.equal(computeOmsRootDigest([a, b]), expected);
    assert.notEqual(computeOmsRootDigest([b, a]), expected);
  });
  test('matches the conformance key-simple subject', () => {
    assert.equal(
      computeOmsRootDigest([
        'bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc',
        '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028',
      ]),
      '92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4',
    );
  });
});

describe('manifests that parse', () => {
  test('files, in any order (not required to be sorted)', () => {
    const r = parse([...SIMPLE].reverse(), { name: 'my-model' });
    assert.ok(r.ok);
    assert.equal(r.value.name, 'my-model');
    assert.deepEqual(
      r.value.resources.map((x) => x.path),
      ['signme-2', 'signme-1'],
    );
    assert.deepEqual(r.value.serialization, { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] });
  });
  test('unknown fields are ignored (spec §5.2.1), also where the spec schema forbids them', () => {
    const s = omsStatement(SIMPLE) as { predicate: { resources: object[]; extra?: unknown } };
    s.predicate.resources = s.predicate.resources.map((r) => ({ ...r, mediaType: 'x' }));
    assert.ok(parseOmsManifest(asStatement(s as Record<string, unknown>)).ok);
    s.predicate.extra = { note: 'a later version of the spec' };
    assert.notDeepEqual(omsStatementErrors(s), [], 'the schema forbids an unknown predicate field');
    assert.ok(parseOmsManifest(asStatement(s as Record<string, unknown>)).ok, 'the verifier ignores it');
  });
  test('a single file named "."', () => assert.ok(parse([{ name: '.', digest: sha256('x') }]).ok));
  test('shards parsed from the last two colons, shard_size as a JSON float, sharded algorithm name', () => {
    const r = parse(
      [
        { name: 'dir/a:b.bin:0:10', digest: sha256('1'), algorithm: 'sha256-sharded-10' },
        { name: 'dir/a:b.bin:10:15', digest: sha256('2') },
      ],
      { serialization: shards(10.0) },
    );
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.deepEqual(
      r.value.resources.map((x) => [x.path, x.shard]),
      [
        ['dir/a:b.bin', { start: 0, end: 10 }],
        ['dir/a:b.bin', { start: 10, end: 15 }],
      ],
    );
    assert.equal(r.value.serialization.shardSize, 10);
  });
  test('blake2b (512-bit) and blake3 (256-bit) digests', () => {
    const ser = (h: string) => ({ method: 'files', hash_type: h, allow_symlinks: false });
    assert.ok(parse([{ name: 'a', digest: 'ab'.repeat(64), algorithm: 'blake2b' }], { serialization: ser('blake2b') }).ok);
    assert.ok(parse([{ name: 'a', digest: 'ab'.repeat(32), algorithm: 'blake3' }], { serialization: ser('blake3') }).ok);
    expectCode([{ name: 'a', digest: 'ab'.repeat(32), algorithm: 'blake2b' }], 'MALFORMED_PREDICATE', {
      serialization: ser('blake2b'),
    });
  });
  test('legacy Digests/v0.1: subjects are the files', () => {
    const r = parseOmsManifest({
      type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://model_signing/Digests/v0.1',
      subjects: SIMPLE.map((x) => ({ name: x.name, digest: { sha256: x.digest } })),
      predicate: { unused: 'Unused, just passed due to API requirements' },
    });
    assert.ok(r.ok);
    assert.equal(r.value.rootDigest.hex, computeOmsRootDigest(SIMPLE.map((x) => x.digest)));
    assert.deepEqual(
      r.value.resources.map((x) => x.name),
      ['signme-1', 'signme-2'],
    );
  });
});

describe('rejections', () => {
  test('ROOT_DIGEST_MISMATCH', () => expectCode(SIMPLE, 'ROOT_DIGEST_MISMATCH', { root: sha256('other') }));
  test('ROOT_DIGEST_MISMATCH when resources are reordered after the root was computed', () =>
    expectCode([...SIMPLE].reverse(), 'ROOT_DIGEST_MISMATCH', { root: computeOmsRootDigest(SIMPLE.map((r) => r.digest)) }));
  test('RESOURCES_EMPTY', () => expectCode([], 'RESOURCES_EMPTY'));
  test('DUPLICATE_RESOURCE', () => expectCode([SIMPLE[0] as Resource, SIMPLE[0] as Resource], 'DUPLICATE_RESOURCE'));
  for (const name of ['/etc/passwd', '../x', 'a/../../x', 'a/./b', './a', 'a//b', 'a/', '', 'a\\..\\b', 'a\0b']) {
    test(`RESOURCE_NAME_INVALID: ${JSON.stringify(name)}`, () =>
      expectCode(
        [
          { name, digest: sha256('x') },
          { name: 'ok', digest: sha256('y') },
        ],
        'RESOURCE_NAME_INVALID',
      ));
  }
  test('RESOURCE_NAME_INVALID: "." beside other files', () =>
    expectCode(
      [
        { name: '.', digest: sha256('x') },
        { name: 'b', digest: sha256('y') },
      ],
      'RESOURCE_NAME_INVALID',
    ));
  test('UNSUPPORTED_HASH_ALGORITHM: hash_type', () =>
    expectCode(SIMPLE, 'UNSUPPORTED_HASH_ALGORITHM', {
      serialization: { method: 'files', hash_type: 'md5', allow_symlinks: false },
    }));
  test('UNSUPPORTED_HASH_ALGORITHM: resource algorithm', () =>
    expectCode([{ name: 'a', digest: sha256('x'), algorithm: 'md5' }], 'UNSUPPORTED_HASH_ALGORITHM'));
  test('MALFORMED_PREDICATE: resource algorithm disagrees with hash_type', () =>
    expectCode([{ name: 'a', digest: sha256('x'), algorithm: 'blake3' }], 'MALFORMED_PREDICATE'));
  test('MALFORMED_PREDICATE: upper-case hex digest', () =>
    expectCode([{ name: 'a', digest: sha256('x').toUpperCase() }], 'MALFORMED_PREDICATE'));
  test('MALFORMED_PREDICATE: unknown method', () =>
    expectCode(SIMPLE, 'MALFORMED_PREDICATE', { serialization: { method: 'tar', hash_type: 'sha256', allow_symlinks: false } }));
  test('MALFORMED_PREDICATE: allow_symlinks not boolean', () =>
    expectCode(SIMPLE, 'MALFORMED_PREDICATE', {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: 'false' },
    }));
  const s = (name: string) => ({ name, digest: sha256(name) });
  test('SHARD_INVALID: no shard_size', () =>
    expectCode([s('a:0:10')], 'SHARD_INVALID', {
      serialization: { method: 'shards', hash_type: 'sha256', allow_symlinks: false },
    }));
  test('SHARD_INVALID: fractional shard_size', () => expectCode([s('a:0:10')], 'SHARD_INVALID', { serialization: shards(10.5) }));
  test('SHARD_INVALID: not a shard name', () => expectCode([s('a')], 'SHARD_INVALID', { serialization: shards(10) }));
  test('SHARD_INVALID: gap', () => expectCode([s('a:0:10'), s('a:20:25')], 'SHARD_INVALID', { serialization: shards(10) }));
  test('SHARD_INVALID: overlap', () => expectCode([s('a:0:10'), s('a:5:15')], 'SHARD_INVALID', { serialization: shards(10) }));
  test('SHARD_INVALID: a middle shard shorter than shard_size', () =>
    expectCode([s('a:0:5'), s('a:5:15')], 'SHARD_INVALID', { serialization: shards(10) }));
  test('SHARD_INVALID: empty range', () => expectCode([s('a:0:0')], 'SHARD_INVALID', { serialization: shards(10) }));
  test('MALFORMED_PREDICATE: sharded algorithm name with another size', () =>
    expectCode([{ ...s('a:0:10'), algorithm: 'sha256-sharded-99' }], 'MALFORMED_PREDICATE', { serialization: shards(10) }));
});

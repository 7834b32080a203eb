// Input limits (src/verify/limits.ts): hostile sizes and depths are a LIMIT_EXCEEDED result naming the limit —
// never an exception, never a stack overflow — and real documents at the limit still verify.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import { DEFAULT_LIMITS } from '../../../src/verify/document/limits.ts';
import type { RejectionCode, VerificationResult } from '../../../src/verify/index.ts';
import type { Limits } from '../../../src/verify/document/limits.ts';
import { exceedsJsonDepth, resolveLimits } from '../../../src/verify/document/limits.ts';
import { OMS_KEY, envelope, json, keyBundle, omsStatement, policy, sha256 } from './helpers/sign.ts';
import type { Resource } from './helpers/sign.ts';

const key = OMS_KEY.private();
const trusted = policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
const untrusted = policy();
const SLSA = 'https://slsa.dev/provenance/v1';
const LEGACY = 'https://model_signing/Digests/v0.1';

const signed = (statement: unknown): string => json(keyBundle(envelope(statement, key), {}));
const signedText = (payload: string): string => json(keyBundle(envelope(Buffer.from(payload), key), {}));

async function expectLimit(
  doc: string,
  limitName: keyof Limits,
  limits?: Partial<Limits>,
  p = trusted,
): Promise<VerificationResult & { status: 'rejected' }> {
  const r = await verifyDocument(doc, p, limits ? { limits } : {});
  assert.equal(r.status, 'rejected');
  if (r.status !== 'rejected') throw new Error('unreachable');
  assert.equal(r.code, 'LIMIT_EXCEEDED' satisfies RejectionCode, r.message);
  assert.ok(r.message.includes(`(${limitName})`), `the message names the limit: ${r.message}`);
  return r;
}

const resources = (n: number): Resource[] => Array.from({ length: n }, (_, i) => ({ name: `f/${i}`, digest: sha256(`${i}`) }));
const subjects = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, digest: { sha256: sha256(`s${i}`) } }));
const deps = (n: number) => Array.from({ length: n }, (_, i) => ({ uri: `https://x/${i}`, digest: { sha256: sha256(`d${i}`) } }));
const slsa = (subjectCount: number, depCount: number) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: subjects(subjectCount),
  predicateType: SLSA,
  predicate: {
    buildDefinition: { buildType: 'https://x/train', externalParameters: {}, resolvedDependencies: deps(depCount) },
    runDetails: { builder: { id: 'https://x/builder' } },
  },
});

describe('exceedsJsonDepth', () => {
  test('counts nested arrays and objects', () => {
    assert.equal(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 4), false);
    assert.equal(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 3), true);
    assert.equal(exceedsJsonDepth('[],[],[],[]', 1), false, 'siblings do not add up');
    assert.equal(exceedsJsonDepth('"plain"', 0), false);
  });
  test('ignores brackets inside strings, escaped quotes included', () => {
    assert.equal(exceedsJsonDepth(JSON.stringify({ a: '[[[[{{{{' }), 1), false);
    assert.equal(exceedsJsonDepth(JSON.stringify({ a: 'say \\"[[[[\\" \\\\', b: '"[[[' }), 1), false);
    assert.equal(exceedsJsonDepth(JSON.stringify(['\\', ['x']]), 1), true, 'a string ending in a backslash closes');
  });
  test('a million levels: answered in one pass, no recursion', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    assert.equal(exceedsJsonDepth(deep, 64), true);
    assert.equal(exceedsJsonDepth('{"a":'.repeat(65) + '1' + '}'.repeat(65), 64), true);
    assert.equal(exceedsJsonDepth('{"a":'.repeat(64) + '1' + '}'.repeat(64), 64), false);
  });
});

describe('resolveLimits', () => {
  test('keeps the defaults for unset and unusable overrides', () => {
    assert.deepEqual(resolveLimits(undefined), DEFAULT_LIMITS);
    const r = resolveLimits({ maxSubjects: 5, maxOmsResources: 0, maxJsonDepth: 1.5, maxSlsaDependencies: -1 });
    assert.deepEqual(r, { ...DEFAULT_LIMITS, maxSubjects: 5 });
  });
});

describe('LIMIT_EXCEEDED: JSON depth', () => {
  test('100,000 levels of "[" as the document', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await expectLimit(deep, 'maxJsonDepth');
  });
  test('an unterminated 100,000-level document', async () => {
    await expectLimit('['.repeat(100_000), 'maxJsonDepth');
  });
  test('a bundle with a deeply nested extra member (key mode and keyless routing alike)', async () => {
    const bundle = signed(omsStatement(resources(2)));
    const deep = bundle.replace(/^\{/, `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)},`);
    await expectLimit(deep, 'maxJsonDepth');
  });
  test('a validly signed payload whose predicate nests 100,000 levels', async () => {
    const predicate = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const payload = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"${sha256('m')}"}}],"predicateType":"${SLSA}","predicate":${predicate}}`;
    const r = await expectLimit(signedText(payload), 'maxJsonDepth');
    assert.match(r.message, /DSSE payload/);
  });
  test('refused before the signature: the same payload under an empty policy is still LIMIT_EXCEEDED', async () => {
    const payload = `{"predicate":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expectLimit(signedText(payload), 'maxJsonDepth', undefined, untrusted);
  });
  test('the depth is configurable, and at the limit a document verifies', async () => {
    const nested = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects(1),
      predicateType: SLSA,
      predicate: { a: { b: 1 } },
    };
    // payload depth: statement 1, subject 2, subject[0] 3, digest 4
    assert.equal((await verifyDocument(signed(nested), trusted, { limits: { maxJsonDepth: 4 } })).status, 'verified');
    await expectLimit(signed(nested), 'maxJsonDepth', { maxJsonDepth: 3 });
  });
});

describe('LIMIT_EXCEEDED: OMS resources', () => {
  test(`a manifest of ${DEFAULT_LIMITS.maxOmsResources + 1} resources (the default limit + 1)`, async () => {
    const started = Date.now();
    const r = await expectLimit(signed(omsStatement(resources(DEFAULT_LIMITS.maxOmsResources + 1))), 'maxOmsResources');
    assert.equal(r.statement, undefined, 'the over-limit statement is not kept');
    assert.ok(Date.now() - started < 10_000, 'refused without checking every resource');
  });
  test('a configured limit: at the limit verifies, one more is refused', async () => {
    assert.equal(
      (await verifyDocument(signed(omsStatement(resources(10))), trusted, { limits: { maxOmsResources: 10 } })).status,
      'verified',
    );
    await expectLimit(signed(omsStatement(resources(11))), 'maxOmsResources', { maxOmsResources: 10 });
  });
  test('a legacy OMS signature (one subject per file) is held to maxOmsResources, not maxSubjects', async () => {
    const legacy = { _type: 'https://in-toto.io/Statement/v1', subject: subjects(20), predicateType: LEGACY, predicate: {} };
    assert.equal((await verifyDocument(signed(legacy), trusted, { limits: { maxSubjects: 5 } })).status, 'verified');
    await expectLimit(signed(legacy), 'maxOmsResources', { maxOmsResources: 19 });
  });
});

describe('LIMIT_EXCEEDED: subjects and SLSA dependencies', () => {
  test(`${DEFAULT_LIMITS.maxSubjects + 1} subjects`, async () => {
    await expectLimit(signed(slsa(DEFAULT_LIMITS.maxSubjects + 1, 0)), 'maxSubjects');
  });
  test(`${DEFAULT_LIMITS.maxSlsaDependencies + 1} resolvedDependencies`, async () => {
    await expectLimit(signed(slsa(1, DEFAULT_LIMITS.maxSlsaDependencies + 1)), 'maxSlsaDependencies');
  });
  test('subjects × dependencies over maxSlsaLinks, each count within its own limit', async () => {
    const r = await expectLimit(signed(slsa(400, 400)), 'maxSlsaLinks');
    assert.match(r.message, /160000 links/);
    assert.equal((await verifyDocument(signed(slsa(100, 1000)), trusted)).status, 'verified');
  });
});

describe('signature count', () => {
  test('100,000 signatures: MULTIPLE_SIGNATURES at once, no throw', async () => {
    const env = envelope(omsStatement(resources(2)), key);
    const one = env.signatures[0]!;
    const doc = json(keyBundle({ ...env, signatures: Array.from({ length: 100_000 }, () => one) }, {}));
    const started = Date.now();
    const r = await verifyDocument(doc, trusted);
    assert.equal(r.status, 'rejected');
    if (r.status === 'rejected') {
      assert.equal(r.code, 'MULTIPLE_SIGNATURES');
      assert.match(r.message, /100000 signatures/);
    }
    assert.ok(Date.now() - started < 5_000);
  });
});

// The OMS v1.0 specification's own test vectors and JSON Schemas (ossf/model-signing-spec test-vectors/v1.0 and
// schemas/v1.0, in ../shared/conformance/oms-spec). Every vector found is run twice: against the spec's schema (valid/
// passes; invalid/ fails the bundle schema; invalid-payload/ passes it but its payload fails the statement schema),
// and through our verifier under the trust policy its signing method needs, with the outcome and reason code
// below. Then every rule of the statement and predicate schemas is broken once in the valid key vector's statement,
// re-signed with the conformance suite's key (the key the vectors were signed with), and the verifier must refuse it
// too, except where the spec tells verifiers to be lenient (listed in LENIENT, each with the spec's reason).
//
// Longer than 300 lines because the rule table below is one case per schema rule, each a line or three.
//
// Mutation check (done by hand, reverted): with the predicate shape check in src/verify/oms/manifest.ts removed
// (`shape.success` forced true, the raw predicate cast through), 11 of the schema-rule cases below fail: a predicate
// without resources or serialization, a serialization without method, hash_type or allow_symlinks, and the wrong-typed
// fields are then verified, or refused for another reason than MALFORMED_PREDICATE.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createPrivateKey, sign } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pae, verifyDocument, verifyModelFiles } from '../../src/verify/index.ts';
import type { RejectionCode, TrustPolicy, VerificationMethod } from '../../src/verify/index.ts';
import { OMS_VECTORS, omsBundleErrors, omsStatementErrors, payloadStatement } from '../support/oms-spec.ts';
import { OMS_CONFORMANCE, PUBLIC_GOOD_ROOT, requireShared } from '../support/paths.ts';

requireShared();
const ASSETS = path.join(OMS_CONFORMANCE, 'assets');
const asset = (rel: string): string => readFileSync(path.join(ASSETS, rel), 'utf8');

/** The trust policy each signing method needs; the vectors are signed with the conformance suite's test PKI. */
const POLICY: Readonly<Record<VerificationMethod, TrustPolicy>> = {
  key: { keys: [{ id: 'oms-test-key', pem: asset('keys/certificate/signing-key-pub.pem') }], anchors: [], identities: [] },
  certificate: { keys: [], anchors: [{ id: 'oms-test-ca', pem: asset('keys/certificate/ca-cert.pem') }], identities: [] },
  // the valid sigstore vector's Fulcio certificate (SAN email, OIDC issuer extension), verified offline
  keyless: {
    keys: [],
    anchors: [],
    identities: [{ issuer: 'https://sigstore.verify.ibm.com/oauth2', subject: 'stefanb@us.ibm.com' }],
    sigstoreTrustedRoot: JSON.parse(readFileSync(PUBLIC_GOOD_ROOT, 'utf8')) as unknown,
  },
};

interface Expected {
  readonly method: VerificationMethod;
  /** undefined: must verify. */
  readonly code?: RejectionCode;
  /** why this code, when the vector's flaw is not the first thing checked. */
  readonly why?: string;
  /** a model on disk with the vector's files (the conformance case with the same subject digest). */
  readonly model?: { readonly dir: string; readonly ignorePaths: readonly string[] };
}

const SIMPLE_MODEL = { dir: path.join(ASSETS, 'models/simple'), ignorePaths: ['ignore-me'] };

/** Every vector, by `<folder>/<file>`: a vector found on disk and missing here fails the run. */
const EXPECTED: Readonly<Record<string, Expected>> = {
  'valid/key.bundle.json': { method: 'key', model: SIMPLE_MODEL },
  'valid/certificate.bundle.json': { method: 'certificate', model: SIMPLE_MODEL },
  'valid/sigstore.bundle.json': {
    method: 'keyless',
    model: {
      dir: path.join(OMS_CONFORMANCE, 'cases/historical/historical-v1.1.0-sigstore/model'),
      ignorePaths: ['ignore-me'],
    },
  },
  'invalid/empty.bundle.json': { method: 'key', code: 'MALFORMED_JSON' },
  'invalid/missing-envelope.bundle.json': { method: 'key', code: 'MALFORMED_BUNDLE' },
  'invalid/missing-verification-material.bundle.json': { method: 'key', code: 'MALFORMED_BUNDLE' },
  // the sigstore method without a log entry: refused where the entries are checked against the trusted root
  'invalid/missing-tlog-entries.bundle.json': { method: 'keyless', code: 'TLOG_INVALID' },
  'invalid-payload/wrong-predicate.bundle.json': {
    method: 'key',
    code: 'SIGNATURE_INVALID',
    why:
      "its payload was edited after signing (it carries the valid key vector's signature), and nothing in an " +
      'unsigned payload may be acted on, so the signature fails first; re-signed below, the predicate type is what fails',
  },
};

/** What each re-signed invalid-payload vector must be refused for once its signature is valid. */
const RESIGNED: Readonly<Record<string, RejectionCode>> = {
  'invalid-payload/wrong-predicate.bundle.json': 'UNSUPPORTED_PREDICATE',
};

function vectors(): string[] {
  return readdirSync(OMS_VECTORS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(OMS_VECTORS, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${d.name}/${f}`),
    )
    .sort();
}

type Json = Record<string, any>;

/** `statement` signed with the conformance key into a copy of `bundle` (its publicKey hint names that key). */
function resign(bundle: Json, statement: unknown): string {
  const key = createPrivateKey(asset('keys/certificate/signing-key.pem'));
  const payload = Buffer.from(JSON.stringify(statement));
  const payloadType = 'application/vnd.in-toto+json';
  const sig = sign('sha384', pae(payloadType, payload), key);
  return JSON.stringify({
    ...bundle,
    dsseEnvelope: { payloadType, payload: payload.toString('base64'), signatures: [{ sig: sig.toString('base64') }] },
  });
}

async function verifyFiles(model: NonNullable<Expected['model']>, oms: Parameters<typeof verifyModelFiles>[1]): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'mpg-oms-vector-'));
  try {
    const copy = path.join(tmp, 'model');
    cpSync(model.dir, copy, { recursive: true });
    const files = await verifyModelFiles(copy, oms, { ignorePaths: model.ignorePaths });
    assert.ok(files.ok, files.ok ? '' : `${files.code}: ${files.message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('OMS v1.0 spec test vectors', () => {
  const found = vectors();

  test('every vector found has an expected outcome, and every expected vector exists', () => {
    assert.ok(found.length > 0, `no vectors under ${OMS_VECTORS}`);
    assert.deepEqual(found, Object.keys(EXPECTED).sort());
  });

  for (const name of found) {
    const expected = EXPECTED[name];
    const folder = name.split('/')[0];
    describe(name, () => {
      const text = readFileSync(path.join(OMS_VECTORS, name), 'utf8');

      test(`the spec's schema ${folder === 'valid' ? 'accepts' : 'refuses'} it`, () => {
        let bundle: unknown;
        try {
          bundle = JSON.parse(text);
        } catch {
          assert.equal(folder, 'invalid', 'only an invalid vector may be unparseable');
          return;
        }
        const bundleErrors = omsBundleErrors(bundle);
        if (folder === 'invalid') {
          assert.notDeepEqual(bundleErrors, [], 'the bundle schema refuses an invalid vector');
          return;
        }
        assert.deepEqual(bundleErrors, [], 'the bundle schema accepts the bundle');
        const statementErrors = omsStatementErrors(payloadStatement(text));
        if (folder === 'valid') assert.deepEqual(statementErrors, [], 'the statement schema accepts the payload');
        else assert.notDeepEqual(statementErrors, [], 'the statement schema refuses the payload');
      });

      test(expected?.code === undefined ? 'verifies' : `is rejected: ${expected.code}`, async () => {
        assert.ok(expected, `${name} has no expected outcome in EXPECTED: add one`);
        const result = await verifyDocument(Buffer.from(text), POLICY[expected.method]);
        if (expected.code !== undefined) {
          assert.equal(result.status, 'rejected');
          if (result.status === 'rejected') assert.equal(result.code, expected.code, result.message);
          return;
        }
        assert.equal(result.status, 'verified', result.status === 'rejected' ? `${result.code}: ${result.message}` : '');
        if (result.status !== 'verified') return;
        assert.equal(result.method, expected.method);
        assert.ok(result.oms, 'an OMS manifest');
        // the manifest is the payload's, and it matches the files of the model it was made from
        const statement = payloadStatement(text) as Json;
        assert.equal(result.oms.rootDigest.hex, statement['subject'][0].digest.sha256);
        assert.deepEqual(
          result.oms.resources.map((r) => [r.path, r.hex]),
          (statement['predicate']['resources'] as Json[]).map((r) => [r['name'], r['digest']]),
        );
        if (expected.model) await verifyFiles(expected.model, result.oms);
      });

      const resigned = RESIGNED[name];
      if (resigned !== undefined) {
        test(`re-signed with the vector's key: ${resigned}`, async () => {
          const result = await verifyDocument(resign(JSON.parse(text) as Json, payloadStatement(text)), POLICY.key);
          assert.equal(result.status, 'rejected');
          if (result.status === 'rejected') assert.equal(result.code, resigned, result.message);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Each schema rule broken once in the valid key vector's statement

const VALID_KEY = path.join(OMS_VECTORS, 'valid/key.bundle.json');

interface RuleCase {
  readonly rule: string;
  readonly edit: (s: Json) => void;
  /** the verifier's code; 'VERIFIED' where the spec asks verifiers to accept what the schema refuses. */
  readonly code: RejectionCode | 'VERIFIED';
}

const predicate = (s: Json): Json => s['predicate'] as Json;
const serialization = (s: Json): Json => predicate(s)['serialization'] as Json;
const resource = (s: Json): Json => (predicate(s)['resources'] as Json[])[0] as Json;

/** Schema rules the spec tells verifiers to relax, so the verifier accepts what the schema refuses. */
const LENIENT: Readonly<Record<string, string>> = {
  'statement: no fields beyond _type, subject, predicateType, predicate':
    'in-toto Statement v1 lets consumers ignore unknown fields; the OMS spec (§5.2.1) asks verifiers to ignore them',
  'predicate: no fields beyond resources and serialization': 'OMS spec §5.2.1: verifiers MUST ignore unrecognised fields',
  'serialization: no fields beyond the known ones': 'OMS spec §5.2.1: verifiers MUST ignore unrecognised fields',
  'subject.name: at least one character':
    'the in-toto ResourceDescriptor name is optional and the graph keys on the digest; the name is informational',
};

const RULES: readonly RuleCase[] = [
  {
    rule: '_type: the in-toto Statement v1 URI',
    edit: (s) => (s['_type'] = 'https://example.com/Statement'),
    code: 'UNSUPPORTED_STATEMENT_TYPE',
  },
  { rule: 'subject: at least one', edit: (s) => (s['subject'] = []), code: 'NO_SUBJECT' },
  {
    rule: 'subject: at most one',
    edit: (s) => (s['subject'] = [s['subject'][0], { name: 'other', digest: { sha256: 'ab'.repeat(32) } }]),
    code: 'MULTIPLE_SUBJECTS',
  },
  { rule: 'subject.name: at least one character', edit: (s) => (s['subject'][0].name = ''), code: 'VERIFIED' },
  { rule: 'subject.digest: required', edit: (s) => delete s['subject'][0].digest, code: 'MALFORMED_STATEMENT' },
  { rule: 'subject.digest: at least one algorithm', edit: (s) => (s['subject'][0].digest = {}), code: 'MALFORMED_STATEMENT' },
  {
    rule: 'subject.digest: lower-case hex',
    edit: (s) => (s['subject'][0].digest = { sha256: 'not-hex' }),
    code: 'MALFORMED_STATEMENT',
  },
  {
    rule: 'predicateType: the OMS v1.0 URI',
    edit: (s) => (s['predicateType'] = 'https://example.com/p'),
    code: 'UNSUPPORTED_PREDICATE',
  },
  { rule: 'predicate: required', edit: (s) => delete s['predicate'], code: 'MALFORMED_PREDICATE' },
  {
    rule: 'statement: no fields beyond _type, subject, predicateType, predicate',
    edit: (s) => (s['comment'] = 'extra'),
    code: 'VERIFIED',
  },
  { rule: 'predicate.resources: required', edit: (s) => delete predicate(s)['resources'], code: 'MALFORMED_PREDICATE' },
  { rule: 'predicate.serialization: required', edit: (s) => delete predicate(s)['serialization'], code: 'MALFORMED_PREDICATE' },
  { rule: 'predicate: no fields beyond resources and serialization', edit: (s) => (predicate(s)['extra'] = 1), code: 'VERIFIED' },
  { rule: 'resource.name: required', edit: (s) => delete resource(s)['name'], code: 'MALFORMED_PREDICATE' },
  { rule: 'resource.name: at least one character', edit: (s) => (resource(s)['name'] = ''), code: 'RESOURCE_NAME_INVALID' },
  { rule: 'resource.digest: required', edit: (s) => delete resource(s)['digest'], code: 'MALFORMED_PREDICATE' },
  { rule: 'resource.digest: lower-case hex', edit: (s) => (resource(s)['digest'] = 'XYZ'), code: 'MALFORMED_PREDICATE' },
  { rule: 'resource.algorithm: required', edit: (s) => delete resource(s)['algorithm'], code: 'MALFORMED_PREDICATE' },
  {
    rule: 'resource.algorithm: a known hash',
    edit: (s) => (resource(s)['algorithm'] = 'md5'),
    code: 'UNSUPPORTED_HASH_ALGORITHM',
  },
  { rule: 'serialization.method: required', edit: (s) => delete serialization(s)['method'], code: 'MALFORMED_PREDICATE' },
  {
    rule: 'serialization.method: files or shards',
    edit: (s) => (serialization(s)['method'] = 'tar'),
    code: 'MALFORMED_PREDICATE',
  },
  { rule: 'serialization.hash_type: required', edit: (s) => delete serialization(s)['hash_type'], code: 'MALFORMED_PREDICATE' },
  {
    rule: 'serialization.hash_type: a known hash',
    edit: (s) => (serialization(s)['hash_type'] = 'md5'),
    code: 'UNSUPPORTED_HASH_ALGORITHM',
  },
  {
    rule: 'serialization.allow_symlinks: required',
    edit: (s) => delete serialization(s)['allow_symlinks'],
    code: 'MALFORMED_PREDICATE',
  },
  {
    rule: 'serialization.allow_symlinks: a boolean',
    edit: (s) => (serialization(s)['allow_symlinks'] = 'false'),
    code: 'MALFORMED_PREDICATE',
  },
  {
    rule: 'serialization.shard_size: required for shards',
    edit: (s) => {
      serialization(s)['method'] = 'shards';
      for (const r of predicate(s)['resources'] as Json[]) r['name'] = `${r['name']}:0:10`;
    },
    code: 'SHARD_INVALID',
  },
  {
    rule: 'serialization.shard_size: positive',
    edit: (s) => {
      serialization(s)['method'] = 'shards';
      serialization(s)['shard_size'] = 0;
    },
    code: 'MALFORMED_PREDICATE',
  },
  {
    rule: 'serialization.ignore_paths: strings',
    edit: (s) => (serialization(s)['ignore_paths'] = [7]),
    code: 'MALFORMED_PREDICATE',
  },
  { rule: 'serialization: no fields beyond the known ones', edit: (s) => (serialization(s)['extra'] = true), code: 'VERIFIED' },
];

describe("OMS v1.0 statement schema, rule by rule, against the verifier (the valid key vector's statement, re-signed)", () => {
  const bundle = JSON.parse(readFileSync(VALID_KEY, 'utf8')) as Json;
  const original = payloadStatement(JSON.stringify(bundle));

  test('the unedited statement, re-signed, verifies and meets the schema', async () => {
    assert.deepEqual(omsStatementErrors(original), []);
    const result = await verifyDocument(resign(bundle, original), POLICY.key);
    assert.equal(result.status, 'verified', result.status === 'rejected' ? `${result.code}: ${result.message}` : '');
  });

  test('every lenient rule is one of the cases', () => {
    for (const rule of Object.keys(LENIENT))
      assert.ok(
        RULES.some((r) => r.rule === rule && r.code === 'VERIFIED'),
        rule,
      );
    for (const r of RULES) if (r.code === 'VERIFIED') assert.ok(LENIENT[r.rule], `${r.rule} is accepted: say why in LENIENT`);
  });

  for (const { rule, edit, code } of RULES) {
    test(`${rule}: the schema refuses it; ${code === 'VERIFIED' ? `the verifier accepts it (${LENIENT[rule]})` : `the verifier refuses it, ${code}`}`, async () => {
      const statement = structuredClone(original) as Json;
      edit(statement);
      assert.notDeepEqual(omsStatementErrors(statement), [], 'the edit breaks a schema rule');
      const result = await verifyDocument(resign(bundle, statement), POLICY.key);
      if (code === 'VERIFIED') {
        assert.equal(result.status, 'verified', result.status === 'rejected' ? `${result.code}: ${result.message}` : '');
        return;
      }
      assert.equal(result.status, 'rejected', 'the verifier refuses what the schema refuses');
      if (result.status === 'rejected') assert.equal(result.code, code, result.message);
    });
  }
});

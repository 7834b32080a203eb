// Trust-policy file loading (docs/TRUST-POLICY.md) and the reloading store.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TrustPolicyStore, VerifyError, loadTrustPolicy, verifyDocument } from '../../../src/verify/index.ts';
import { PUBLIC_GOOD_ROOT } from '../../support/paths.ts';
import { OMS_KEY, SIMPLE, envelope, json, keyBundle, omsStatement, pki } from './helpers/sign.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mpg-policy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const ecPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

function expectInvalid(policy: unknown, ...fragments: RegExp[]): void {
  const file = write('policy.json', policy);
  assert.throws(
    () => loadTrustPolicy(file),
    (err: unknown) => {
      assert.ok(err instanceof VerifyError);
      assert.equal(err.code, 'POLICY_INVALID');
      for (const f of fragments) assert.match(err.message, f);
      return true;
    },
  );
}

describe('loadTrustPolicy', () => {
  test('reads keys, anchors (pemFile relative to the policy file), identities and the Sigstore root', () => {
    write('oms.pub', OMS_KEY.publicPem());
    copyFileSync(PUBLIC_GOOD_ROOT, path.join(dir, 'root.json'));
    write('cas.pem', pki('root.pem') + pki('int.pem'));
    const p = loadTrustPolicy(
      write('policy.json', {
        version: 1,
        keys: [
          { id: 'oms', pemFile: 'oms.pub', scope: ['org/*'] },
          { id: 'inline', pem: ecPem() },
        ],
        anchors: [{ id: 'corp', pemFile: 'cas.pem' }],
        identities: [
          { issuer: 'https://accounts.google.com', subject: 'me@example.com' },
          { issuer: 'https://x', subjectPattern: '^https://github\\.com/org/.*$' },
        ],
        sigstoreTrustedRoot: 'root.json',
      }),
    );
    assert.deepEqual(
      p.keys.map((k) => [k.id, k.scope]),
      [
        ['oms', ['org/*']],
        ['inline', undefined],
      ],
    );
    assert.match(p.keys[0]?.pem ?? '', /^-----BEGIN PUBLIC KEY-----\n/, 'the certtool prose around the key is dropped');
    assert.deepEqual(
      p.anchors.map((a) => a.id),
      ['corp', 'corp#2'],
      'a CA-bundle file yields one anchor per certificate',
    );
    assert.equal(p.identities.length, 2);
    assert.equal(typeof p.sigstoreTrustedRoot, 'object');
  });

  test('a key may name the hash its signatures use', () => {
    const p = loadTrustPolicy(
      write('policy.json', {
        keys: [
          { id: 'atlas', pem: ecPem(), hash: 'sha384' },
          { id: 'curve', pem: ecPem() },
        ],
      }),
    );
    assert.deepEqual(
      p.keys.map((k) => [k.id, k.hash]),
      [
        ['atlas', 'sha384'],
        ['curve', undefined],
      ],
    );
  });
  test('a hash that is not SHA-256/384/512', () =>
    expectInvalid({ keys: [{ id: 'a', pem: ecPem(), hash: 'md5' }] }, /keys\[0\]\.hash/));
  test('a hash for an Ed25519 key', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectInvalid({ keys: [{ id: 'ed', pem: ed, hash: 'sha512' }] }, /keys\[0\] "ed"/, /no hash option/);
  });
  test('anchors take no hash', () => expectInvalid({ anchors: [{ id: 'ca', pem: pki('root.pem'), hash: 'sha384' }] }, /hash/));

  test('an empty object trusts nothing', () => {
    assert.deepEqual(loadTrustPolicy(write('policy.json', {})), { keys: [], anchors: [], identities: [] });
  });

  test('POLICY_UNREADABLE', () => {
    assert.throws(
      () => loadTrustPolicy(path.join(dir, 'missing.json')),
      (e: unknown) => e instanceof VerifyError && e.code === 'POLICY_UNREADABLE',
    );
  });
  test('not JSON', () => expectInvalid('{', /not JSON/));
  test('an unknown top-level key (a typo must not silently trust less or more)', () => expectInvalid({ key: [] }, /"key"|key/));
  test('both pem and pemFile', () =>
    expectInvalid({ keys: [{ id: 'a', pem: ecPem(), pemFile: 'x' }] }, /keys\[0\]/, /exactly one of pem, pemFile/));
  test('a key that is not a PEM public key', () => expectInvalid({ keys: [{ id: 'bad', pem: 'hello' }] }, /keys\[0\] "bad"/));
  test('an RSA key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectInvalid({ keys: [{ id: 'rsa', pem: rsa }] }, /keys\[0\] "rsa"/, /rsa/);
  });
  test('a missing pemFile', () => expectInvalid({ anchors: [{ id: 'ca', pemFile: 'nope.pem' }] }, /anchors\[0\]\.pemFile/));
  test('an anchor that holds no certificate', () =>
    expectInvalid({ anchors: [{ id: 'ca', pem: ecPem() }] }, /anchors\[0\] "ca"/));
  test('an identity with both subject and subjectPattern', () =>
    expectInvalid({ identities: [{ issuer: 'i', subject: 's', subjectPattern: 's' }] }, /identities\[0\]/));
  test('an identity with a broken pattern', () =>
    expectInvalid({ identities: [{ issuer: 'i', subjectPattern: '(' }] }, /identities\[0\]\.subjectPattern/));
  test('duplicate key ids', () =>
    expectInvalid(
      {
        keys: [
          { id: 'a', pem: ecPem() },
          { id: 'a', pem: ecPem() },
        ],
      },
      /id "a" is used twice/,
    ));
  test('an empty scope list', () => expectInvalid({ keys: [{ id: 'a', pem: ecPem(), scope: [] }] }, /keys\[0\]\.scope/));
  test('a Sigstore root without validity starts', () => {
    const root = JSON.parse(readFileSync(PUBLIC_GOOD_ROOT, 'utf8')) as { tlogs: { publicKey: { validFor: object } }[] };
    for (const t of root.tlogs) t.publicKey.validFor = {};
    write('root.json', root);
    expectInvalid({ sigstoreTrustedRoot: 'root.json' }, /sigstoreTrustedRoot/);
  });
  test('every problem is listed at once', () =>
    expectInvalid({ keys: [{ id: 'a', pem: 'x' }], anchors: [{ id: 'b', pemFile: 'nope' }] }, /keys\[0\]/, /anchors\[0\]/));
});

describe('TrustPolicyStore', () => {
  const doc = () => json(keyBundle(envelope(omsStatement(SIMPLE), OMS_KEY.private()), {}));
  const bump = (file: string, seconds: number) => utimesSync(file, new Date(), new Date(Date.now() + seconds * 1000));

  test('reloads when the policy file changes, without a restart', async () => {
    const file = write('policy.json', { keys: [] });
    const store = new TrustPolicyStore(file);
    assert.equal((await verifyDocument(doc(), store.current())).status, 'rejected');
    assert.equal(store.current(), store.current(), 'unchanged file: same policy object');
    write('policy.json', { keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
    bump(file, 5);
    assert.equal((await verifyDocument(doc(), store.current())).status, 'verified');
    assert.equal(store.loads, 2);
  });

  test('reloads when a file the policy names changes', () => {
    write('k.pub', ecPem());
    const file = write('policy.json', { keys: [{ id: 'k', pemFile: 'k.pub' }] });
    const store = new TrustPolicyStore(file);
    const first = store.current().keys[0]?.pem;
    const keyFile = write('k.pub', ecPem());
    bump(keyFile, 5);
    assert.notEqual(store.current().keys[0]?.pem, first);
  });

  test('fails closed after a bad edit, and recovers after a fix', () => {
    const file = write('policy.json', { keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
    const store = new TrustPolicyStore(file);
    store.current();
    write('policy.json', '{ broken');
    bump(file, 5);
    assert.throws(
      () => store.current(),
      (e: unknown) => e instanceof VerifyError && e.code === 'POLICY_INVALID',
    );
    write('policy.json', { keys: [] });
    bump(file, 10);
    assert.deepEqual(store.current().keys, []);
  });

  test('checkIntervalMs throttles the stat checks', () => {
    let clock = 0;
    const file = write('policy.json', { keys: [] });
    const store = new TrustPolicyStore(file, { checkIntervalMs: 1000, clock: () => clock });
    store.current();
    write('policy.json', { keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
    bump(file, 5);
    clock = 500;
    assert.equal(store.current().keys.length, 0);
    clock = 1500;
    assert.equal(store.current().keys.length, 1);
  });
});

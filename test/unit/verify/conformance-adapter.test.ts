// `verify-model` CLI protocol: argument handling and exit codes (0 verified, 1 rejected, 2 usage / I/O).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runVerifyModel } from '../../../src/verify/index.ts';
import { ASSETS, OMS_KEY, envelope, json, keyBundle } from './helpers/sign.ts';

async function run(argv: string[]): Promise<{ exit: number; out: string }> {
  const lines: string[] = [];
  const exit = await runVerifyModel(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { exit, out: lines.join('\n') };
}

const model = path.join(ASSETS, 'models/simple');
const key = path.join(ASSETS, 'keys/certificate/signing-key-pub.pem');
const caseBundle = (name: string) => path.join(ASSETS, '../cases', name, 'bundle.sig');

test('verified → 0, with list options taking several values', async () => {
  const r = await run([
    '--method',
    'key',
    '--model-path',
    model,
    '--bundle',
    caseBundle('positive/key-simple'),
    '--public-key',
    key,
    '--ignore-paths',
    'ignore-me',
    'other',
  ]);
  assert.equal(r.exit, 0, r.out);
});

test('certificate chain given as several files', async () => {
  const certs = ['keys/certificate/ca-cert.pem', 'keys/wrong/wrong-ca-cert.pem'].map((c) => path.join(ASSETS, c));
  const r = await run([
    '--method',
    'certificate',
    '--model-path',
    model,
    '--bundle',
    caseBundle('positive/certificate-simple'),
    '--cert-chain',
    ...certs,
    '--ignore-paths',
    'ignore-me',
  ]);
  assert.equal(r.exit, 0, r.out);
});

test('rejected → 1 with the reason code printed', async () => {
  const r = await run([
    '--method',
    'key',
    '--model-path',
    model,
    '--bundle',
    caseBundle('negative/key-simple-wrong-key_fail'),
    '--public-key',
    path.join(ASSETS, 'keys/wrong/wrong-key-pub.pem'),
  ]);
  assert.equal(r.exit, 1);
  assert.match(r.out, /UNTRUSTED_KEY/);
});

test('a verified statement that is not an OMS signature → 1', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mpg-adapter-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'm', digest: { sha256: 'ab' } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {},
  };
  const bundle = path.join(dir, 'b.sig');
  writeFileSync(bundle, json(keyBundle(envelope(statement, OMS_KEY.private()), {})));
  const r = await run(['--method', 'key', '--model-path', model, '--bundle', bundle, '--public-key', key]);
  assert.equal(r.exit, 1);
  assert.match(r.out, /UNSUPPORTED_PREDICATE/);
});

test('usage errors → 2', async () => {
  assert.equal((await run([])).exit, 2);
  assert.equal((await run(['--method', 'magic', '--model-path', model, '--bundle', 'b'])).exit, 2);
  assert.equal((await run(['--bogus'])).exit, 2);
  assert.equal((await run(['--method', 'key', '--method'])).exit, 2);
  assert.equal((await run(['--method', 'key', 'extra', '--model-path', model, '--bundle', 'b'])).exit, 2);
});

test('unreadable bundle or key file → 2', async () => {
  assert.equal((await run(['--method', 'key', '--model-path', model, '--bundle', '/nonexistent', '--public-key', key])).exit, 2);
  assert.equal(
    (
      await run([
        '--method',
        'key',
        '--model-path',
        model,
        '--bundle',
        caseBundle('positive/key-simple'),
        '--public-key',
        '/nonexistent',
      ])
    ).exit,
    2,
  );
});

// `mpg verify-model` for people and scripts: --help, every usage error (its message and exit code 2), unreadable
// input (2), rejections (1, with the code), a bundle of another method than --method, list options, and relative
// paths resolved against the caller's directory (INIT_CWD). Run as a subprocess where the exit code is the point.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { run as runVerifyModel } from '../../../src/cli/commands/verify-model.ts';
import { UsageError } from '../../../src/cli/args.ts';
import { requireShared } from '../../support/paths.ts';
import { ASSETS, OMS_KEY, envelope, json, keyBundle } from '../verify/helpers/sign.ts';
import { runCli } from './run-cli.ts';

requireShared();

async function run(argv: string[]): Promise<{ exit: number; out: string }> {
  const lines: string[] = [];
  const exit = await runVerifyModel(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { exit, out: lines.join('\n') };
}

const model = path.join(ASSETS, 'models/simple');
const key = path.join(ASSETS, 'keys/certificate/signing-key-pub.pem');
const root = path.join(ASSETS, 'keys/certificate/ca-cert.pem');
const caseBundle = (name: string) => path.join(ASSETS, '../cases', name, 'bundle.sig');
const keySimple = caseBundle('positive/key-simple');
const certSimple = caseBundle('positive/certificate-simple');
/** Key-mode arguments for the simple model. */
const byKey = (bundle: string, publicKey: string): string[] => [
  '--method',
  'key',
  '--model-path',
  model,
  '--bundle',
  bundle,
  '--public-key',
  publicKey,
];

describe('verify-model verdicts', () => {
  test('verified → 0, with list options taking several values', async () => {
    const r = await run(byKey(keySimple, key));
    assert.equal(r.exit, 0, r.out);
    assert.match(r.out, /^verified by key: 2 resources, root sha256:[0-9a-f]{64}$/);
    const listed = await run([...byKey(keySimple, key), ...['--ignore-paths', 'ignore-me', 'other']]);
    assert.equal(listed.exit, 0, listed.out);
  });

  test('list options may also be repeated (the newer protocol passes one value per flag)', async () => {
    const r = await run([
      ...['--method', 'certificate', '--model-path', model, '--bundle', certSimple],
      ...['--cert-chain', root, '--cert-chain', path.join(ASSETS, 'keys/wrong/wrong-ca-cert.pem')],
      ...['--ignore-paths', 'ignore-me', '--ignore-paths', 'other'],
    ]);
    assert.equal(r.exit, 0, r.out);
  });

  test('rejected → 1 with the reason code printed', async () => {
    const r = await run([
      ...['--method', 'key', '--model-path', model, '--bundle', caseBundle('negative/key-simple-wrong-key_fail')],
      ...['--public-key', path.join(ASSETS, 'keys/wrong/wrong-key-pub.pem')],
    ]);
    assert.equal(r.exit, 1);
    assert.match(r.out, /^rejected UNTRUSTED_KEY: /);
  });

  test('a verified statement that is not an OMS signature → 1', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mpg-verify-model-'));
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

  test('a bundle signed another way than --method says is METHOD_MISMATCH, naming both', async () => {
    const asCertificate = await run([
      '--method',
      'certificate',
      '--model-path',
      model,
      '--bundle',
      keySimple,
      '--cert-chain',
      root,
    ]);
    assert.equal(asCertificate.exit, 1);
    assert.equal(
      asCertificate.out,
      'rejected METHOD_MISMATCH: the bundle is signed by a key (--method key), but --method certificate was asked for.',
    );
    const asKey = await run(['--method', 'key', '--model-path', model, '--bundle', certSimple, '--public-key', key]);
    assert.equal(asKey.exit, 1);
    assert.match(
      asKey.out,
      /^rejected METHOD_MISMATCH: the bundle is signed by a certificate chain \(--method certificate\), but --method key/,
    );
  });

  test('--cert-chain: a non-root certificate beside the root only helps build the path', async () => {
    // the bundle carries leaf + intermediate; naming the intermediate too changes nothing
    const r = await run([
      ...['--method', 'certificate', '--model-path', model, '--bundle', certSimple],
      ...['--cert-chain', path.join(ASSETS, 'keys/certificate/int-ca-cert.pem'), root],
    ]);
    assert.equal(r.exit, 0, r.out);
  });

  test('unreadable bundle or key file → 2, naming the file', async () => {
    const noBundle = await run(byKey('/nonexistent.sig', key));
    assert.equal(noBundle.exit, 2);
    assert.match(noBundle.out, /cannot read --bundle \/nonexistent\.sig/);
    const noKey = await run(byKey(keySimple, '/nonexistent.pem'));
    assert.equal(noKey.exit, 2);
    assert.match(noKey.out, /cannot read --public-key \/nonexistent\.pem/);
  });

  test('usage errors are thrown as UsageError for the CLI to print with the help', async () => {
    await assert.rejects(run(['--method', 'magic', '--model-path', model, '--bundle', keySimple]), UsageError);
  });
});

describe('verify-model as a process', () => {
  test('--help explains every flag, the methods and the exit codes', async () => {
    const r = await runCli(['verify-model', '--help']);
    assert.equal(r.exit, 0);
    for (const flag of [
      '--method',
      '--model-path',
      '--bundle',
      '--public-key',
      '--cert-chain',
      '--identity',
      '--identity-provider',
      '--trusted-root',
      '--ignore-paths',
      '--ignore-unsigned-files',
    ]) {
      assert.ok(r.stdout.includes(`  ${flag} `), `--help describes ${flag}`);
    }
    for (const method of ['key', 'certificate', 'sigstore']) assert.match(r.stdout, new RegExp(`^  ${method} `, 'm'));
    assert.match(r.stdout, /^ {2}0 {2}verified/m);
    assert.match(r.stdout, /^ {2}1 {2}rejected/m);
    assert.match(r.stdout, /^ {2}2 {2}usage error/m);
    assert.match(r.stdout, /Relative paths\s+are relative to the model root/);
  });

  const base = ['verify-model', '--model-path', model, '--bundle', keySimple];
  const usageErrors: [string, string[], RegExp, Record<string, string | undefined>?][] = [
    ['no --method', ['verify-model', '--model-path', model, '--bundle', keySimple], /give --method key, certificate or sigstore/],
    ['an unknown method', [...base, '--method', 'magic'], /unknown --method "magic": use key, certificate or sigstore/],
    ['no --model-path', ['verify-model', '--method', 'key', '--bundle', keySimple, '--public-key', key], /give --model-path/],
    ['no --bundle', ['verify-model', '--method', 'key', '--model-path', model, '--public-key', key], /give --bundle/],
    ['--method key without --public-key', [...base, '--method', 'key'], /--method key needs --public-key FILE/],
    [
      '--method certificate without --cert-chain',
      [...base, '--method', 'certificate'],
      /--method certificate needs --cert-chain/,
    ],
    [
      '--method sigstore without an identity',
      [...base, '--method', 'sigstore', '--trusted-root', root],
      /--method sigstore needs --identity ID and --identity-provider URL/,
    ],
    [
      '--method sigstore without a trusted root',
      [...base, '--method', 'sigstore', '--identity', 'a@example.com', '--identity-provider', 'https://issuer.example'],
      /--method sigstore needs --trusted-root FILE/,
      { SIGSTORE_TRUSTED_ROOT: undefined },
    ],
    [
      'a certificate given as --public-key',
      [...base, '--method', 'key', '--public-key', root],
      /--public-key .*ca-cert\.pem holds a certificate, not a public key: verify a certificate-signed bundle with --method certificate/,
    ],
    [
      'a private key given as --public-key',
      [...base, '--method', 'key', '--public-key', path.join(ASSETS, 'keys/certificate/signing-key.pem')],
      /--public-key .*signing-key\.pem holds a private key: give its public key \(openssl pkey -pubout\)/,
    ],
    [
      'a file without a key as --public-key',
      [...base, '--method', 'key', '--public-key', path.join(model, 'signme-1')],
      /--public-key .*signme-1 holds no PEM public key/,
    ],
    ['an unknown option', [...base, '--method', 'key', '--public-key', key, '--bogus'], /Unknown option '--bogus'/],
    ['an option without its value', [...base, '--public-key', key, '--method'], /Option '--method <value>' argument missing/],
    ['a stray argument', [...base, '--method', 'key', '--public-key', key, 'extra'], /unexpected argument "extra"/],
    [
      'a flag of another method',
      [...base, '--method', 'key', '--public-key', key, '--cert-chain', root],
      /--cert-chain is for --method certificate, not --method key/,
    ],
    [
      'a list option without values',
      [...base, '--method', 'certificate', '--cert-chain', '--ignore-unsigned-files'],
      /--cert-chain needs at least one value/,
    ],
    [
      'certificate files without a self-signed root',
      [...base, '--method', 'certificate', '--cert-chain', path.join(ASSETS, 'keys/certificate/int-ca-cert.pem')],
      /--cert-chain names no self-signed root certificate/,
    ],
    [
      'a certificate file without certificates',
      [...base, '--method', 'certificate', '--cert-chain', key],
      /--cert-chain: .*signing-key-pub\.pem holds no PEM certificate/,
    ],
  ];
  for (const [what, argv, message, env] of usageErrors) {
    test(`usage error: ${what} → 2 with the message and the help`, async () => {
      const r = await runCli(argv, env === undefined ? {} : { env });
      assert.equal(r.exit, 2, r.stderr);
      assert.match(r.stderr, /^mpg verify-model: /);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: mpg verify-model/);
      assert.equal(r.stdout, '');
    });
  }

  test('unreadable input → 2 with the reason, without the help', async () => {
    const r = await runCli(['verify-model', ...byKey('/nonexistent.sig', key)]);
    assert.equal(r.exit, 2);
    assert.match(r.stderr, /^mpg verify-model: cannot read --bundle \/nonexistent\.sig: ENOENT/);
    assert.doesNotMatch(r.stderr, /usage:/);
  });

  test('relative paths resolve against INIT_CWD (where npm was run), not the process directory', async () => {
    const argv = [
      'verify-model',
      '--method',
      'key',
      '--model-path',
      'models/simple',
      '--bundle',
      path.relative(ASSETS, keySimple),
    ];
    const r = await runCli([...argv, '--public-key', 'keys/certificate/signing-key-pub.pem'], { env: { INIT_CWD: ASSETS } });
    assert.equal(r.exit, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^verified by key/);
    // without INIT_CWD the same relative paths are taken from the process's own directory
    const fromCwd = await runCli([...argv, '--public-key', 'keys/certificate/signing-key-pub.pem'], {
      cwd: ASSETS,
      env: { INIT_CWD: undefined },
    });
    assert.equal(fromCwd.exit, 0, fromCwd.stderr + fromCwd.stdout);
  });

  test('a rejection → 1 on stdout', async () => {
    const wrongKey = path.join(ASSETS, 'keys/wrong/wrong-key-pub.pem');
    const r = await runCli(['verify-model', ...byKey(keySimple, wrongKey)]);
    assert.equal(r.exit, 1);
    assert.match(r.stdout, /^rejected UNTRUSTED_KEY: /);
    assert.equal(r.stderr, '');
  });
});

// `mpg verify-bundle` for people and scripts: --help, every usage error (its message and exit code 2), unreadable
// input (2), a verified (0) and a rejected (1) bundle, and relative paths resolved against INIT_CWD.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PUBLIC_GOOD_ROOT, requireShared, SIGSTORE_CONFORMANCE } from '../../support/paths.ts';
import { runCli } from './run-cli.ts';

requireShared();
const SUITE = path.join(SIGSTORE_CONFORMANCE, 'bundle-verify');
const bundle = path.join(SUITE, 'happy-path-v0.1/bundle.sigstore.json');
const artifact = path.join(SUITE, 'a.txt');
const identity = [
  '--certificate-identity',
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
  '--certificate-oidc-issuer',
  'https://token.actions.githubusercontent.com',
];

describe('verify-bundle as a process', () => {
  test('--help explains every flag and the exit codes', async () => {
    const r = await runCli(['verify-bundle', '--help']);
    assert.equal(r.exit, 0);
    for (const flag of ['--bundle', '--certificate-identity', '--certificate-oidc-issuer', '--key', '--trusted-root']) {
      assert.ok(r.stdout.includes(`  ${flag} `), `--help describes ${flag}`);
    }
    for (const code of ['0  verified', '1  rejected', '2  usage error']) assert.ok(r.stdout.includes(`  ${code}`), code);
  });

  test('verified → 0 and "OK"; relative paths resolve against INIT_CWD', async () => {
    const r = await runCli(
      [
        'verify-bundle',
        '--bundle',
        'happy-path-v0.1/bundle.sigstore.json',
        ...identity,
        '--trusted-root',
        PUBLIC_GOOD_ROOT,
        'a.txt',
      ],
      { env: { INIT_CWD: SUITE } },
    );
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(r.stdout, 'OK\n');
  });

  test('rejected → 1 with the code on stdout and the reason on stderr', async () => {
    const r = await runCli([
      'verify-bundle',
      '--bundle',
      bundle,
      ...identity.slice(0, 1),
      'https://example.com/other',
      ...identity.slice(2),
      '--trusted-root',
      PUBLIC_GOOD_ROOT,
      artifact,
    ]);
    assert.equal(r.exit, 1);
    assert.equal(r.stdout, 'IDENTITY_MISMATCH\n');
    assert.match(r.stderr, /^rejected: IDENTITY_MISMATCH: /);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no --bundle', ['verify-bundle', ...identity, artifact], /give --bundle FILE/],
    ['no artifact', ['verify-bundle', '--bundle', bundle, ...identity], /give the ARTIFACT the bundle signs/],
    ['two artifacts', ['verify-bundle', '--bundle', bundle, ...identity, artifact, artifact], /one ARTIFACT only/],
    [
      'neither identity nor key',
      ['verify-bundle', '--bundle', bundle, artifact],
      /give --certificate-identity and --certificate-oidc-issuer, or --key/,
    ],
    ['an unknown option', ['verify-bundle', '--bundle', bundle, ...identity, '--bogus', artifact], /Unknown option '--bogus'/],
  ];
  for (const [what, argv, message] of usageErrors) {
    test(`usage error: ${what} → 2 with the message and the help`, async () => {
      const r = await runCli(argv);
      assert.equal(r.exit, 2, r.stderr);
      assert.match(r.stderr, /^mpg verify-bundle: /);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: mpg verify-bundle/);
    });
  }

  test('an unreadable file → 2', async () => {
    const r = await runCli(['verify-bundle', '--bundle', '/nonexistent.json', ...identity, artifact]);
    assert.equal(r.exit, 2);
    assert.match(r.stderr, /ENOENT/);
  });
});

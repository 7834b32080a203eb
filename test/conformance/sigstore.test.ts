// sigstore-conformance bundle-verify suite (sigstore/sigstore-conformance test/assets/bundle-verify), run offline
// through the `verify-bundle` command exactly as the conformance harness drives a client: every case must meet its
// expected outcome (`_fail` = must be rejected), and every rejection must carry the reason we expect for it, so a
// case cannot pass by failing for an unrelated reason. Over 300 lines: the suite's table of 50 expected reasons, and the
// independent checks that the cases refused before their flaw do have it.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { X509Certificate, createHash, generateKeyPairSync, verify } from 'node:crypto';
import { UsageError } from '../../src/cli/args.ts';
import { run as runVerifyBundle } from '../../src/cli/commands/verify-bundle.ts';
import { verifySigstoreBundle } from '../../src/verify/keyless/sigstore-bundle.ts';
import type { RejectionCode } from '../../src/verify/types.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = resolve(REPO, '../shared/conformance');
const SUITE = join(SHARED, 'sigstore-conformance');
const CASES = join(SUITE, 'bundle-verify');
const PUBLIC_GOOD_ROOT = join(SHARED, 'sigstore-public-good-trusted_root.json');
if (!existsSync(CASES) || !existsSync(PUBLIC_GOOD_ROOT)) {
  throw new Error(`sigstore-conformance data not found under ${SHARED}: the shared/ checkout must sit next to the repo`);
}

const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

/** Why each `_fail` case must be rejected, as our reason code. */
const EXPECTED_REJECTION: Readonly<Record<string, RejectionCode>> = {
  'bundle-empty-certificate-chain_fail': 'MALFORMED_BUNDLE',
  'bundle-from-wrong-instance_fail': 'CERTIFICATE_CHAIN_INVALID',
  'bundle-invalid-base64-signature_fail': 'MALFORMED_BUNDLE',
  'bundle-malformed-json_fail': 'MALFORMED_JSON',
  'bundle-negative-log-index_fail': 'MALFORMED_BUNDLE',
  'bundle-unknown-version_fail': 'MALFORMED_BUNDLE',
  'bundle-with-root-cert_fail': 'CERTIFICATE_CHAIN_INVALID',
  'checkpoint-bad-keyhint_fail': 'TLOG_INVALID',
  'checkpoint-wrong-roothash_fail': 'TLOG_INVALID',
  // DSSE tampering: the envelope no longer matches the signature/payload hash recorded in the log entry
  'dsse-invalid-sig_fail': 'TLOG_INVALID', // see BEFORE_THE_FLAW
  'dsse-mismatch-envelope_fail': 'TLOG_INVALID',
  'dsse-mismatch-sig_fail': 'TLOG_INVALID',
  'inclusion-proof-corrupted-hash_fail': 'TLOG_INVALID',
  'incorrect-public-key_fail': 'TLOG_INVALID',
  // the integrated time lies outside the Fulcio certificate's validity: the chain is not valid at that time
  'integrated-time-in-future_fail': 'CERTIFICATE_CHAIN_INVALID',
  'intoto-expired-certificate_fail': 'CERTIFICATE_CHAIN_INVALID',
  'intoto-log-entry-mismatch_fail': 'TLOG_INVALID',
  'intoto-missing-inclusion-proof_fail': 'MALFORMED_BUNDLE',
  'intoto-set-outside-signing-cert-validity_fail': 'CERTIFICATE_CHAIN_INVALID',
  'intoto-tsa-timestamp-outside-cert-validity_fail': 'CERTIFICATE_CHAIN_INVALID',
  'invalid-checkpoint-signature_fail': 'TLOG_INVALID',
  'invalid-ct-key_fail': 'CERTIFICATE_CHAIN_INVALID',
  'invalid-inclusion-proof_fail': 'MALFORMED_BUNDLE', // see BEFORE_THE_FLAW
  'managed-key-no-key_fail': 'UNTRUSTED_KEY',
  'managed-key-wrong-key_fail': 'UNSUPPORTED_KEY', // see FLAWED
  'message-digest-mismatch_fail': 'SIGNATURE_INVALID',
  'rekor2-checkpoint-missing-log-signature_fail': 'TLOG_INVALID',
  'rekor2-checkpoint-missing-origin_fail': 'TLOG_INVALID',
  'rekor2-checkpoint-missing-root-hash_fail': 'TLOG_INVALID',
  'rekor2-checkpoint-missing-size_fail': 'TLOG_INVALID',
  'rekor2-checkpoint-no-matching-signature_fail': 'TLOG_INVALID',
  'rekor2-dsse-invalid-sig_fail': 'TLOG_INVALID', // see BEFORE_THE_FLAW
  'rekor2-dsse-mismatch-envelope_fail': 'TLOG_INVALID',
  'rekor2-dsse-mismatch-sig_fail': 'TLOG_INVALID',
  'rekor2-no-inclusion-proof_fail': 'MALFORMED_BUNDLE',
  'rekor2-no-timestamp_fail': 'TIMESTAMP_INVALID',
  'rekor2-timestamp-outside-trust-root-tsa-validity_fail': 'TIMESTAMP_INVALID',
  'rekor2-timestamp-outside-tsa-cert-validity_fail': 'TIMESTAMP_INVALID',
  'rekor2-timestamp-payload-mismatch_fail': 'TIMESTAMP_INVALID',
  'rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail': 'TIMESTAMP_INVALID',
  'rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail': 'TIMESTAMP_INVALID',
  // its base64 is line-wrapped (tolerated, as Go's protojson does); it fails for its intended reason
  'rekor2-timestamp-with-incorrect-time_fail': 'CERTIFICATE_CHAIN_INVALID',
  'set-invalid-signature_fail': 'TLOG_INVALID',
  'signature-mismatch_fail': 'TLOG_INVALID', // see BEFORE_THE_FLAW
  'trust-root-tlog-missing-validity-start_fail': 'NO_TRUST_MATERIAL',
  'wrong-hashedrekord-artifact_fail': 'TLOG_INVALID',
  'wrong-hashedrekord-cert-and-sig_fail': 'TLOG_INVALID',
  'wrong-hashedrekord-entry_fail': 'TLOG_INVALID',
  'wrong-material_fail': 'SIGNATURE_INVALID',
};

/** Cases whose data cannot test what their name says; we still assert they are rejected. */
const FLAWED: Readonly<Record<string, string>> = {
  'managed-key-wrong-key_fail':
    'its key.pub is corrupted base64 ("…++++wrongkey==") that no parser accepts, so it fails at key parsing rather than ' +
    'as a wrong key; a real wrong key is tested below',
};

type Json = Record<string, any>;

/**
 * Cases refused for something checked before the flaw they were written for. Each says why that earlier refusal is
 * the right one, and `flaw` shows, from the case's own data and independently of the verifier, that the named flaw is
 * really there (so the case is not passing on an accident of its data).
 */
const BEFORE_THE_FLAW: Readonly<Record<string, { readonly why: string; readonly flaw: (bundle: Json) => void }>> = {
  'invalid-inclusion-proof_fail': {
    why:
      'a v0.2 bundle must carry a checkpoint in its inclusion proof (sigstore_bundle.proto); without one the proof is ' +
      "tied to no signed tree head, so the bundle is malformed whatever the proof's hashes say",
    flaw: (bundle) => {
      const entry = tlogEntry(bundle);
      assert.equal(bundle['mediaType'], 'application/vnd.dev.sigstore.bundle+json;version=0.2');
      assert.equal(entry['inclusionProof']['checkpoint'], undefined, 'no checkpoint');
      assert.equal(inclusionProofHolds(entry), false, 'the proof does not lead from the entry to its root hash');
    },
  },
  'dsse-invalid-sig_fail': {
    why:
      'the dsse log entry records the envelope signature it logged; an envelope carrying another signature does not ' +
      'match its entry, which the verifier checks before the signature, and a signature the log never recorded is ' +
      'refused whatever it verifies to',
    flaw: (bundle) => {
      const logged = loggedBody(bundle)['spec']['signatures'].map((x: Json) => x['signature']);
      const carried = bundle['dsseEnvelope']['signatures'].map((x: Json) => x['sig']);
      assert.notDeepEqual(carried, logged, 'the envelope carries a signature the log did not record');
      assert.equal(dsseSignatureVerifies(bundle), false, 'the envelope signature does not verify under the certificate key');
    },
  },
  'rekor2-dsse-invalid-sig_fail': {
    why:
      'the hashedrekord 0.0.2 entry records the envelope signature it logged; an envelope carrying another one does not ' +
      'match its entry, which is checked before the signature, as for dsse-invalid-sig_fail',
    flaw: (bundle) => {
      const logged = loggedBody(bundle)['spec']['hashedRekordV002']['signature']['content'];
      assert.notEqual(
        bundle['dsseEnvelope']['signatures'][0]['sig'],
        logged,
        'the envelope carries a signature the log did not record',
      );
      assert.equal(dsseSignatureVerifies(bundle), false, 'the envelope signature does not verify under the certificate key');
    },
  },
  'signature-mismatch_fail': {
    why:
      'the hashedrekord entry records the signature it logged; a bundle carrying another one does not match its entry, ' +
      'which is checked before the signature, as for dsse-invalid-sig_fail',
    flaw: (bundle) => {
      const logged = loggedBody(bundle)['spec']['signature']['content'];
      assert.notEqual(bundle['messageSignature']['signature'], logged, 'the bundle carries a signature the log did not record');
      assert.equal(messageSignatureVerifies(bundle), false, 'the signature does not verify over the artifact');
    },
  },
};

const tlogEntry = (bundle: Json): Json => bundle['verificationMaterial']['tlogEntries'][0] as Json;
const loggedBody = (bundle: Json): Json =>
  JSON.parse(Buffer.from(tlogEntry(bundle)['canonicalizedBody'], 'base64').toString('utf8'));

function signingCertificate(bundle: Json): X509Certificate {
  const material = bundle['verificationMaterial'];
  const raw = material['certificate']?.['rawBytes'] ?? material['x509CertificateChain']['certificates'][0]['rawBytes'];
  return new X509Certificate(Buffer.from(raw, 'base64'));
}

function dsseSignatureVerifies(bundle: Json): boolean {
  const env = bundle['dsseEnvelope'];
  const payload = Buffer.from(env['payload'], 'base64');
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${env['payloadType'].length} ${env['payloadType']} ${payload.length} `),
    payload,
  ]);
  return verify('sha256', pae, signingCertificate(bundle).publicKey, Buffer.from(env['signatures'][0]['sig'], 'base64'));
}

function messageSignatureVerifies(bundle: Json): boolean {
  const signature = Buffer.from(bundle['messageSignature']['signature'], 'base64');
  return verify('sha256', readFileSync(join(SUITE, 'a.txt')), signingCertificate(bundle).publicKey, signature);
}

/** RFC 9162 §2.1.3.2: does the entry's inclusion proof lead from its leaf (the canonicalized body) to its root hash? */
function inclusionProofHolds(entry: Json): boolean {
  const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
  const proof = entry['inclusionProof'];
  let fn = BigInt(proof['logIndex']);
  let sn = BigInt(proof['treeSize']) - 1n;
  let r = sha(Buffer.from([0]), Buffer.from(entry['canonicalizedBody'], 'base64'));
  for (const p of (proof['hashes'] as string[]).map((h) => Buffer.from(h, 'base64'))) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha(Buffer.from([1]), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else r = sha(Buffer.from([1]), r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(Buffer.from(proof['rootHash'], 'base64'));
}

function caseNames(): string[] {
  return readdirSync(CASES)
    .filter((n) => statSync(join(CASES, n)).isDirectory())
    .sort();
}

/** The argv the conformance harness would pass for a case (files per sigstore-conformance's README). */
function argvFor(name: string): string[] {
  const dir = join(CASES, name);
  const file = (f: string) => (existsSync(join(dir, f)) ? join(dir, f) : undefined);
  const text = (f: string) => (file(f) ? readFileSync(join(dir, f), 'utf8').trim() : undefined);
  const argv = ['--bundle', join(dir, 'bundle.sigstore.json'), '--trusted-root', file('trusted_root.json') ?? PUBLIC_GOOD_ROOT];
  const key = file('key.pub');
  if (key) argv.push('--key', key);
  else
    argv.push(
      '--certificate-identity',
      text('identity') ?? DEFAULT_IDENTITY,
      '--certificate-oidc-issuer',
      text('issuer') ?? DEFAULT_ISSUER,
    );
  argv.push(file('artifact') ?? join(SUITE, 'a.txt'));
  return argv;
}

async function run(argv: string[]): Promise<{ exit: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const exit = await runVerifyBundle(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { exit, out, err };
}

const bundleOf = (name: string): Json => JSON.parse(readFileSync(join(CASES, name, 'bundle.sigstore.json'), 'utf8')) as Json;

describe('sigstore-conformance bundle-verify', () => {
  const names = caseNames();

  test('every _fail case found has an expected reason, and the table names only cases that exist', () => {
    assert.ok(names.length > 0, `no cases under ${CASES}`);
    const failing = names.filter((n) => n.endsWith('_fail'));
    assert.deepEqual(failing, Object.keys(EXPECTED_REJECTION).sort());
    for (const name of Object.keys(BEFORE_THE_FLAW)) assert.ok(failing.includes(name), name);
  });

  test('the independent flaw checks hold for the valid bundles of the same kind (so their "false" means the flaw)', () => {
    const valid = bundleOf('happy-path-v0.2');
    assert.equal(tlogEntry(valid)['logIndex'], tlogEntry(bundleOf('invalid-inclusion-proof_fail'))['logIndex']);
    assert.equal(inclusionProofHolds(tlogEntry(valid)), true);
    assert.equal(messageSignatureVerifies(valid), true);
    assert.equal(dsseSignatureVerifies(bundleOf('happy-path-intoto-in-dsse-v3')), true);
    assert.equal(dsseSignatureVerifies(bundleOf('rekor2-dsse-happy-path')), true);
  });

  for (const name of names) {
    const mustFail = name.endsWith('_fail');
    const flaw = FLAWED[name];
    const before = BEFORE_THE_FLAW[name];
    const note = flaw ? ` (flawed case: ${flaw})` : before ? ` (${EXPECTED_REJECTION[name]} before the flaw: ${before.why})` : '';
    test(`${name}${note}`, async () => {
      const { exit, out, err } = await run(argvFor(name));
      if (mustFail) {
        assert.equal(exit, 1, `must be rejected; got exit ${exit} ${err.join(' ')}`);
        assert.equal(out[0], EXPECTED_REJECTION[name], err.join(' '));
        // the case has the flaw it was written for, even though an earlier check refuses it
        before?.flaw(bundleOf(name));
      } else {
        assert.equal(exit, 0, `must verify: ${err.join(' ')}`);
      }
    });
  }
});

describe('verify-bundle beyond the suite', () => {
  const root = JSON.parse(readFileSync(PUBLIC_GOOD_ROOT, 'utf8')) as unknown;
  const aTxt = new Uint8Array(readFileSync(join(SUITE, 'a.txt')));
  const identity = { issuer: DEFAULT_ISSUER, subject: DEFAULT_IDENTITY };

  test('a DSSE bundle for another artifact is rejected: the artifact digest is not a statement subject', async () => {
    const r = await verifySigstoreBundle(bundleOf('happy-path-intoto-in-dsse-v3'), new TextEncoder().encode('other'), {
      trustedRoot: root,
      identity,
    });
    assert.equal(r.ok ? 'ok' : r.code, 'FILE_DIGEST_MISMATCH');
  });

  test('a wrong SAN or a wrong issuer is IDENTITY_MISMATCH', async () => {
    for (const id of [
      { ...identity, subject: `${DEFAULT_IDENTITY}x` },
      { ...identity, issuer: 'https://accounts.google.com' },
    ]) {
      const r = await verifySigstoreBundle(bundleOf('happy-path-v0.3'), aTxt, { trustedRoot: root, identity: id });
      assert.equal(r.ok ? 'ok' : r.code, 'IDENTITY_MISMATCH');
    }
  });

  test('no identity and no key is refused', async () => {
    const r = await verifySigstoreBundle(bundleOf('happy-path-v0.3'), aTxt, { trustedRoot: root });
    assert.equal(r.ok ? 'ok' : r.code, 'IDENTITY_MISMATCH');
  });

  test('a managed-key bundle under a different (valid) key is SIGNATURE_INVALID', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const r = await verifySigstoreBundle(bundleOf('managed-key-happy-path'), aTxt, { trustedRoot: root, publicKeyPem: pem });
    assert.equal(r.ok ? 'ok' : r.code, 'SIGNATURE_INVALID');
  });

  test('a verification time before the log entry is TIMESTAMP_INVALID', async () => {
    const r = await verifySigstoreBundle(bundleOf('happy-path-v0.3'), aTxt, {
      trustedRoot: root,
      identity,
      now: new Date('2020-01-01T00:00:00Z'),
    });
    assert.equal(r.ok ? 'ok' : r.code, 'TIMESTAMP_INVALID');
  });

  test('no trusted root is NO_TRUST_MATERIAL; bad usage is a UsageError (exit 2: test/unit/cli); unreadable input exits 2', async () => {
    const argv = argvFor('happy-path-v0.3').filter((a, i, all) => a !== '--trusted-root' && all[i - 1] !== '--trusted-root');
    const missing = await run(argv);
    assert.deepEqual([missing.exit, missing.out[0]], [1, 'NO_TRUST_MATERIAL']);
    await assert.rejects(run(['--bundle', 'x']), UsageError);
    assert.equal((await run(['--bundle', join(CASES, 'nope.json'), '--key', 'k', 'a'])).exit, 2);
  });
});

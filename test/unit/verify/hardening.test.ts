// Verification hardening against bundles the Python reference signed (test/fixtures/hardening, made by
// scripts/fixtures/make-hardening.sh): critical extensions and name constraints in certificate chains, a trusted key
// stored with a compressed EC point, and directory symlinks inside a model. Each case must get the verdict
// cases.json expects, through the verifier and through `verify-model`; where the reference's recorded verdict differs,
// the case must be one of the documented strictnesses (docs/VERIFICATION.md).

import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { cp, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run as runVerifyModel } from '../../../src/cli/commands/verify-model.ts';
import type { Bundle } from '@sigstore/bundle';
import { verifyDocument, verifyModelFiles } from '../../../src/verify/index.ts';
import { checkSigningCertificate } from '../../../src/verify/keyless/certificate.ts';
import type { TrustPolicy, VerificationResult } from '../../../src/verify/index.ts';
import { makeTempDir } from './helpers/model-dir.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/hardening');
const fixture = (relative: string) => path.join(FIXTURES, relative);

interface HardeningCase {
  readonly name: string;
  readonly model: string;
  readonly bundle: string;
  readonly method: 'key' | 'certificate';
  readonly allowSymlinks: boolean;
  readonly expected: string;
  readonly reference: string;
  readonly publicKey?: string;
  readonly certChain?: readonly string[];
}

const { cases, modelSigningVersion } = JSON.parse(await readFile(fixture('cases.json'), 'utf8')) as {
  cases: HardeningCase[];
  modelSigningVersion: string;
};

/** Where this verifier is deliberately stricter than the reference (docs/VERIFICATION.md). */
const STRICTER_THAN_REFERENCE = new Set(['server-eku-leaf', 'critical-policy-ca', 'dirlink-into-ignored', 'dirlink-into-signed']);

async function policyFor(c: HardeningCase): Promise<TrustPolicy> {
  if (c.method === 'key') {
    const id = c.publicKey as string;
    return { keys: [{ id, pem: await readFile(fixture(id), 'utf8') }], anchors: [], identities: [] };
  }
  const anchors = await Promise.all((c.certChain ?? []).map(async (id) => ({ id, pem: await readFile(fixture(id), 'utf8') })));
  return { keys: [], anchors, identities: [] };
}

/** The verdict here: the document's, then (once it verified) the model folder's. */
async function verdict(c: HardeningCase, modelPath = fixture(c.model)): Promise<{ code: string; result: VerificationResult }> {
  const result = await verifyDocument(await readFile(fixture(c.bundle)), await policyFor(c));
  if (result.status === 'rejected') return { code: result.code, result };
  assert.ok(result.oms, 'an OMS manifest');
  const files = await verifyModelFiles(modelPath, result.oms, { signaturePath: fixture(c.bundle) });
  return { code: files.ok ? 'verified' : files.code, result };
}

function cliArgs(c: HardeningCase): string[] {
  const argv = ['--method', c.method, '--model-path', fixture(c.model), '--bundle', fixture(c.bundle)];
  if (c.method === 'key') argv.push('--public-key', fixture(c.publicKey as string));
  else argv.push('--cert-chain', ...(c.certChain ?? []).map(fixture));
  return argv;
}

describe(`hardening cases signed by model_signing ${modelSigningVersion}`, () => {
  it('cases.json lists every case the fixture script makes', () => {
    assert.equal(cases.length, 15);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it(`is ${c.expected === 'verified' ? 'verified' : `rejected with ${c.expected}`}`, async () => {
        const { code, result } = await verdict(c);
        assert.equal(code, c.expected, result.status === 'rejected' ? result.message : '');
      });

      it(`verify-model exits ${c.expected === 'verified' ? 0 : 1} and prints the verdict`, async () => {
        const lines: string[] = [];
        const exit = await runVerifyModel(cliArgs(c), { out: (l) => lines.push(l), err: (l) => lines.push(l) });
        assert.equal(exit, c.expected === 'verified' ? 0 : 1, lines.join('\n'));
        assert.match(lines.join('\n'), c.expected === 'verified' ? /^verified by / : new RegExp(`^rejected ${c.expected}: `));
      });

      it('agrees with the reference, or is a documented strictness', () => {
        const referenceVerified = c.reference === 'verified';
        if (referenceVerified === (c.expected === 'verified')) return;
        assert.ok(STRICTER_THAN_REFERENCE.has(c.name), `the reference said "${c.reference}", we say ${c.expected}`);
      });
    });
  }
});

describe('what the rejections say', () => {
  const byName = (name: string) => cases.find((c) => c.name === name) as HardeningCase;
  const rejection = async (name: string) => {
    const { result } = await verdict(byName(name));
    assert.equal(result.status, 'rejected');
    return result.status === 'rejected' ? result.message : '';
  };

  it('the unknown critical extension is named, with the certificate carrying it', async () => {
    assert.match(
      await rejection('critical-extension-leaf'),
      /leaf certificate ".*Critical Extension Signer" carries the critical extension 1\.3\.6\.1\.4\.1\.32473\.1/,
    );
    assert.match(
      await rejection('critical-policy-ca'),
      /CA certificate ".*Hardening Policy CA" carries the critical extension certificatePolicies \(2\.5\.29\.32\)/,
    );
  });

  it('a name outside the constraints is named, with the CA whose constraints it breaks', async () => {
    assert.match(
      await rejection('name-constraints-email'),
      /the email name "signer@other\.example" is outside the name constraints of ".*Hardening Name-Constrained CA"/,
    );
    assert.match(await rejection('name-constraints-dns'), /the DNS name "models\.other\.example"/);
    assert.match(await rejection('name-constraints-uri'), /the URI "https:\/\/ci\.other\.example\/pipeline"/);
    assert.match(
      await rejection('name-constraints-directory'),
      /the subject "O=MPG Hardening Test PKI, OU=Other, CN=Other Unit Signer"/,
    );
    assert.match(await rejection('name-constraints-subject-email'), /the email name "signer@other\.example"/);
    assert.match(await rejection('excluded-ip'), /the IP address 10\.1\.2\.3/);
  });

  it('a directory link is named in the refusal', async (t) => {
    const c = byName('dirlink-into-signed');
    const result = await verifyDocument(await readFile(fixture(c.bundle)), await policyFor(c));
    assert.ok(result.status === 'verified' && result.oms);
    const files = await verifyModelFiles(fixture(c.model), result.oms);
    assert.equal(files.ok, false);
    if (!files.ok) assert.match(files.message, /'alias' is a symbolic link to a directory/);
    // without the link, the same model verifies: the refusal is about the link alone
    const dir = await makeTempDir(t);
    const copy = path.join(dir, 'model');
    await cp(fixture(c.model), copy, { recursive: true, verbatimSymlinks: true });
    await rm(path.join(copy, 'alias'));
    assert.deepEqual(await verifyModelFiles(copy, result.oms), { ok: true });
  });
});

describe('a directory link into .git/hooks', () => {
  it('is refused, while the reference would verify it like the .github variant', async (t) => {
    const c = cases.find((x) => x.name === 'dirlink-into-ignored') as HardeningCase;
    const dir = await makeTempDir(t);
    const copy = path.join(dir, 'model');
    await cp(fixture(c.model), copy, { recursive: true, verbatimSymlinks: true });
    await rename(path.join(copy, '.github'), path.join(copy, '.git'));
    await rm(path.join(copy, 'plugins'));
    await symlink('.git/hooks', path.join(copy, 'plugins'));
    const { code } = await verdict(c, copy);
    assert.equal(code, 'SYMLINK_NOT_ALLOWED');
  });
});

describe('the compressed key', () => {
  it('has the hint and fingerprint of the same key stored uncompressed', async () => {
    const c = cases.find((x) => x.name === 'compressed-key') as HardeningCase;
    const compressed = await readFile(fixture('pki/p256-pub-compressed.pem'), 'utf8');
    const uncompressed = await readFile(fixture('pki/p256-pub.pem'), 'utf8');
    assert.ok(compressed.length < uncompressed.length, 'the fixture key file really is compressed');
    const bundle = JSON.parse(await readFile(fixture(c.bundle), 'utf8')) as {
      verificationMaterial: { publicKey: { hint: string } };
    };
    // the reference hints the SHA-256 of the PEM as Python cryptography writes it: uncompressed
    assert.equal(bundle.verificationMaterial.publicKey.hint, createHash('sha256').update(uncompressed).digest('hex'));
    const { result } = await verdict(c);
    assert.ok(result.status === 'verified' && result.signer.kind === 'key');
    const spki = createPublicKey(uncompressed).export({ type: 'spki', format: 'der' });
    assert.equal(result.signer.fingerprint, createHash('sha256').update(spki).digest('hex'));
  });
});

describe('a keyless signing certificate with an unknown critical extension', () => {
  // checkSigningCertificate is what keyless verification runs on the bundle's leaf besides @sigstore/verify
  const bundleWith = (pem: string) =>
    ({
      verificationMaterial: {
        content: {
          $case: 'x509CertificateChain',
          x509CertificateChain: { certificates: [{ rawBytes: new X509Certificate(pem).raw }] },
        },
      },
    }) as unknown as Bundle;

  it('is refused with CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION; the same leaf without it passes', async () => {
    const refused = checkSigningCertificate(bundleWith(await readFile(fixture('pki/critical-ext-leaf.pem'), 'utf8')));
    assert.equal(refused?.code, 'CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION');
    assert.match(refused?.message ?? '', /1\.3\.6\.1\.4\.1\.32473\.1/);
    assert.equal(checkSigningCertificate(bundleWith(await readFile(fixture('pki/nc-leaf-ok.pem'), 'utf8'))), undefined);
  });
});

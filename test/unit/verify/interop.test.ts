// Interop with the OMS v1.0 Python reference: bundles made by model_signing (see
// test/fixtures/interop/README.md and scripts/fixtures/make-interop.sh) must verify here, their
// manifests must match the models on disk, and tampered copies must fail with the right code.

import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { verifyDocument } from '../../../src/verify/index.ts';
import { verifyModelFiles } from '../../../src/verify/oms/model-files.ts';
import type { OmsManifest, TrustPolicy } from '../../../src/verify/index.ts';
import { acceptedOmsStatementErrors, payloadStatement } from '../../support/oms-spec.ts';
import { makeTempDir } from './helpers/model-dir.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/interop');

interface InteropCase {
  readonly name: string;
  readonly model: string;
  readonly bundle: string;
  readonly method: 'key' | 'certificate';
  readonly publicKey?: string;
  readonly certChain?: readonly string[];
  readonly serialization: { method: 'files' | 'shards'; hashType: string; allowSymlinks: boolean; shardSize?: number };
  readonly signedIgnorePaths: readonly string[];
  readonly expectedSignedFiles: readonly string[];
  readonly resourceCount: number;
}

const { cases, modelSigningVersion } = JSON.parse(await readFile(path.join(FIXTURES, 'cases.json'), 'utf8')) as {
  cases: InteropCase[];
  modelSigningVersion: string;
};

const fixture = (relative: string) => path.join(FIXTURES, relative);

async function policyFor(c: InteropCase): Promise<TrustPolicy> {
  if (c.method === 'key') {
    return {
      keys: [{ id: c.publicKey as string, pem: await readFile(fixture(c.publicKey as string), 'utf8') }],
      anchors: [],
      identities: [],
    };
  }
  const anchors = await Promise.all((c.certChain ?? []).map(async (id) => ({ id, pem: await readFile(fixture(id), 'utf8') })));
  return { keys: [], anchors, identities: [] };
}

async function verifiedManifest(c: InteropCase): Promise<OmsManifest> {
  const bytes = await readFile(fixture(c.bundle));
  const result = await verifyDocument(bytes, await policyFor(c), { now: new Date() });
  assert.equal(result.status, 'verified', result.status === 'rejected' ? `${result.code}: ${result.message}` : '');
  assert.ok(result.status === 'verified' && result.oms, 'an OMS manifest');
  // what the reference signed and we accepted is what the OMS spec's schema describes (oms-spec.ts on shard names)
  assert.deepEqual(acceptedOmsStatementErrors(payloadStatement(bytes)), []);
  return result.oms;
}

/** A private copy of the case's model (symlinks kept as links) plus the path to verify in it. */
async function copyModel(t: Parameters<typeof makeTempDir>[0], c: InteropCase): Promise<{ dir: string; modelPath: string }> {
  const dir = await makeTempDir(t);
  const modelPath = path.join(dir, path.basename(c.model));
  await cp(fixture(c.model), modelPath, { recursive: true, verbatimSymlinks: true });
  return { dir, modelPath };
}

const isDirectoryModel = (c: InteropCase) => !c.expectedSignedFiles.includes('.');

describe(`OMS interop with model_signing ${modelSigningVersion}`, () => {
  assert.ok(cases.length >= 10, 'cases.json lists the interop cases');

  for (const c of cases) {
    describe(c.name, () => {
      it('the bundle verifies and its manifest is what the reference signed', async () => {
        const oms = await verifiedManifest(c);
        assert.equal(oms.resources.length, c.resourceCount);
        assert.deepEqual([...new Set(oms.resources.map((r) => r.path))].sort(), [...c.expectedSignedFiles].sort());
        assert.equal(oms.serialization.method, c.serialization.method);
        assert.equal(oms.serialization.hashType, c.serialization.hashType);
        assert.equal(oms.serialization.allowSymlinks, c.serialization.allowSymlinks);
        assert.deepEqual([...oms.serialization.ignorePaths].sort(), [...c.signedIgnorePaths].sort());
        if (c.serialization.shardSize !== undefined) assert.equal(oms.serialization.shardSize, c.serialization.shardSize);
      });

      it('the model on disk matches the manifest', async () => {
        assert.deepEqual(await verifyModelFiles(fixture(c.model), await verifiedManifest(c)), { ok: true });
      });

      it('a changed byte in a signed file is FILE_DIGEST_MISMATCH', async (t) => {
        const oms = await verifiedManifest(c);
        const { modelPath } = await copyModel(t, c);
        // a file every directory case signs (the symlinks model's link target), or the single file
        const signed = c.expectedSignedFiles.includes('config.json') ? 'config.json' : 'data.bin';
        const victim = isDirectoryModel(c) ? path.join(modelPath, signed) : modelPath;
        const data = await readFile(victim);
        data[0] = (data[0] ?? 0) ^ 0x01;
        await writeFile(victim, data);
        const result = await verifyModelFiles(modelPath, oms);
        assert.equal(result.ok ? 'ok' : result.code, 'FILE_DIGEST_MISMATCH');
      });

      it('a flipped byte in the DSSE signature is rejected', async () => {
        const bundle = JSON.parse(await readFile(fixture(c.bundle), 'utf8'));
        const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
        sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01; // last byte of ECDSA `s`: the DER stays well-formed
        bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
        const result = await verifyDocument(JSON.stringify(bundle), await policyFor(c), { now: new Date() });
        assert.equal(result.status, 'rejected');
        assert.equal(result.status === 'rejected' && result.code, 'SIGNATURE_INVALID');
      });

      if (!isDirectoryModel(c)) return;

      it('an unsigned file is FILE_EXTRA unless unsigned files are ignored', async (t) => {
        const oms = await verifiedManifest(c);
        const { modelPath } = await copyModel(t, c);
        await writeFile(path.join(modelPath, 'injected file.bin'), 'added after signing');
        const result = await verifyModelFiles(modelPath, oms);
        assert.equal(result.ok ? 'ok' : result.code, 'FILE_EXTRA');
        assert.deepEqual(await verifyModelFiles(modelPath, oms, { ignoreUnsignedFiles: true }), { ok: true });
      });

      it('a deleted signed file is FILE_MISSING', async (t) => {
        const oms = await verifiedManifest(c);
        const { modelPath } = await copyModel(t, c);
        const victim = c.expectedSignedFiles.find((f) => f.endsWith('.bin')) as string;
        await rm(path.join(modelPath, victim));
        const result = await verifyModelFiles(modelPath, oms);
        assert.equal(result.ok ? 'ok' : result.code, 'FILE_MISSING');
      });

      it('git files and a signature stored inside the model are ignored', async (t) => {
        const oms = await verifiedManifest(c);
        const { modelPath } = await copyModel(t, c);
        await mkdir(path.join(modelPath, '.git'));
        await writeFile(path.join(modelPath, '.git/HEAD'), 'ref: refs/heads/main\n');
        await writeFile(path.join(modelPath, '.gitattributes'), '*.bin filter=lfs\n');
        await cp(fixture(c.bundle), path.join(modelPath, 'model.sig'));
        const signaturePath = path.join(modelPath, 'model.sig');
        assert.deepEqual(await verifyModelFiles(modelPath, oms, { signaturePath }), { ok: true });
        await appendFile(path.join(modelPath, 'model.sig'), '\n');
        const withoutSignaturePath = await verifyModelFiles(modelPath, oms);
        assert.equal(withoutSignaturePath.ok ? 'ok' : withoutSignaturePath.code, 'FILE_EXTRA');
      });
    });
  }

  it('a key bundle is rejected under a policy that trusts another key', async () => {
    const c = cases.find((x) => x.name === 'key-p256') as InteropCase;
    const other = cases.find((x) => x.name === 'key-p384') as InteropCase;
    const result = await verifyDocument(await readFile(fixture(c.bundle)), await policyFor(other), { now: new Date() });
    assert.equal(result.status, 'rejected');
  });
});

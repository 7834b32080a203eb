// Verification result → graph facts: what gets linked, and that rejected evidence links nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsFromResult } from '../../src/ingest/index.ts';
import type { OmsManifest, Statement, VerificationResult } from '../../src/verify/index.ts';

const meta = { origin: 'test', collector: 'unit', receivedAt: '2026-01-01T00:00:00.000Z' };
const ROOT = 'a'.repeat(64);
const statement: Statement = {
  type: 'https://in-toto.io/Statement/v1',
  predicateType: 'https://model_signing/signature/v1.0',
  subjects: [{ name: 'model', digest: { sha256: ROOT } }],
  predicate: {},
};
const oms: OmsManifest = {
  predicateType: 'https://model_signing/signature/v1.0',
  name: 'model',
  rootDigest: { algorithm: 'sha256', hex: ROOT },
  resources: [
    { name: 'weights.bin', path: 'weights.bin', algorithm: 'sha256', hex: 'b'.repeat(64) },
    { name: 'big.bin:0:10', path: 'big.bin', shard: { start: 0, end: 10 }, algorithm: 'sha256-sharded-10', hex: 'c'.repeat(64) },
    { name: 'copy.bin', path: 'copy.bin', algorithm: 'sha256', hex: 'b'.repeat(64) },
  ],
  serialization: { method: 'shards', hashType: 'sha256', allowSymlinks: false, shardSize: 10, ignorePaths: [] },
};

describe('factsFromResult', () => {
  it('links a verified OMS signature: model, files (deduplicated by content), contains edges with paths, signer', () => {
    const result: VerificationResult = {
      status: 'verified',
      documentDigest: 'd'.repeat(64),
      method: 'key',
      signer: { kind: 'key', fingerprint: 'e'.repeat(64) },
      statement,
      oms,
    };
    const facts = factsFromResult(result, '{}', meta);
    assert.equal(facts.attestation.digest, `sha256:${'d'.repeat(64)}`);
    assert.equal(facts.attestation.status, 'verified');
    assert.deepEqual(facts.attestation.signer, { kind: 'key', fingerprint: 'e'.repeat(64) });
    assert.deepEqual(facts.attests, [`sha256:${ROOT}`]);
    assert.deepEqual(
      facts.artifacts.map((a) => [a.digest, a.labels]),
      [
        [`sha256:${ROOT}`, ['SignedRoot']],
        [`sha256:${'b'.repeat(64)}`, ['File']],
        [`sha256:${'c'.repeat(64)}`, ['File']],
      ],
    );
    assert.deepEqual(
      facts.contains.map((c) => [c.path, c.child.slice(0, 8), c.start ?? null]),
      [
        ['weights.bin', 'sha256:b', null],
        ['big.bin', 'sha256:c', 0],
        ['copy.bin', 'sha256:b', null],
      ],
    );
  });

  it('records a rejection with its code and claimed subjects, and links nothing', () => {
    const result: VerificationResult = {
      status: 'rejected',
      documentDigest: 'd'.repeat(64),
      code: 'SIGNATURE_INVALID',
      message: 'the signature does not verify',
      method: 'key',
      statement,
    };
    const facts = factsFromResult(result, '{}', meta);
    assert.equal(facts.attestation.status, 'rejected');
    assert.equal(facts.attestation.reasonCode, 'SIGNATURE_INVALID');
    assert.equal(facts.attestation.signer, null);
    assert.deepEqual(facts.attestation.claimedSubjects, [`sha256:${ROOT}`]);
    assert.deepEqual([facts.artifacts, facts.contains, facts.attests], [[], [], []]);
  });
});

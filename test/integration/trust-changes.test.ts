// The trust policy can change under a running service: a newly trusted key makes a resubmitted
// document verify, and a revoked key makes it rejected again with every link it asserted withdrawn.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { graphql, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';

const INTEROP = path.join(REPO_ROOT, 'test/fixtures/interop');
// Signed by the Python reference (model_signing 1.1.1) with a P-256 key; used by no other integration test.
const BUNDLE = readFileSync(path.join(INTEROP, 'bundles/key-p256.sig'));
const P256 = { id: 'interop-p256', pemFile: path.join(INTEROP, 'keys/p256-pub.pem') };
const ROOT = `sha256:${JSON.parse(Buffer.from(JSON.parse(BUNDLE.toString()).dsseEnvelope.payload, 'base64').toString()).subject[0].digest.sha256}`;

async function submitAndWait(url: string): Promise<Record<string, any>> {
  const response = await fetch(`${url}/v1/attestations`, { method: 'POST', body: new Uint8Array(BUNDLE) });
  assert.equal(response.status, 202);
  const { id } = (await response.json()) as { id: string };
  return waitForSubmission(url, id);
}

async function modelAttestations(url: string): Promise<unknown[] | null> {
  const { data } = await graphql(
    url,
    `
      query ($d: String!) {
        model(digest: $d) {
          attestations {
            digest
          }
          files {
            path
          }
        }
      }
    `,
    { d: ROOT },
  );
  const model = data?.['model'] as { attestations: unknown[] } | null;
  return model ? model.attestations : null;
}

describe('trust-policy changes without restart', () => {
  let service: RunningService;
  let policyFile: string;

  before(async () => {
    policyFile = await writeTrustPolicy({ keys: [P256] });
    service = await startTestService({ TRUST_POLICY_FILE: policyFile });
  });
  after(async () => {
    await service?.close();
  });

  it('verifies a P-256 bundle made by the reference implementation', async () => {
    const done = await submitAndWait(service.url);
    assert.equal(done['state'], 'VERIFIED', JSON.stringify(done));
    assert.equal((await modelAttestations(service.url))?.length, 1);
  });

  it('rejects the same document after its key is revoked, and withdraws its links', async () => {
    await writeFile(policyFile, JSON.stringify({ keys: [] }));
    // The policy store re-checks the file at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const done = await submitAndWait(service.url);
    assert.equal(done['state'], 'REJECTED');
    assert.equal(done['attestation']['reasonCode'], 'NO_TRUST_MATERIAL');
    assert.deepEqual(await modelAttestations(service.url), []);
  });

  it('verifies it again once the key is trusted again', async () => {
    await writeFile(policyFile, JSON.stringify({ keys: [P256] }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const done = await submitAndWait(service.url);
    assert.equal(done['state'], 'VERIFIED');
    assert.equal((await modelAttestations(service.url))?.length, 1);
  });
});

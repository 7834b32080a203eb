// One artifact used by a run in two roles (its training code and its config, as a monorepo file can be) is two
// USED edges, one per role, each with its evidence: not one edge whose role is whichever came last. Lineage shows
// both; the AI-BOM lists the artifact once (a bom-ref is unique) with both roles.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportAiBom, validateCycloneDx } from '../../src/bom/index.ts';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, provenance, sha256, signBundle, signEnvelope } from '../support/attest.ts';
import { graphql, integrationEnv, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';

const run = randomUUID();
const signer = newSigner();
const model = omsStatement('tool-bot', { 'weights.bin': `tool-bot ${run}` });
const script = sha256(`train_and_config.py ${run}`);
const training = provenance({
  subjects: [{ name: 'tool-bot', digest: { sha256: model.root } }],
  dependencies: [
    { name: 'train_and_config.py', digest: { sha256: script }, annotations: { role: 'code' } },
    { name: 'train_and_config.py', digest: { sha256: script }, annotations: { role: 'config' } },
  ],
  runKind: 'training',
  invocationId: `train-${run}`,
});
// A later run names the same file without a role: an inferred `input`, a third edge that leaves the others' roles be.
const retraining = provenance({
  subjects: [{ name: 'tool-bot', digest: { sha256: model.root } }],
  dependencies: [{ name: 'train_and_config.py', digest: { sha256: script } }],
  runKind: 'training',
  invocationId: `retrain-${run}`,
});

describe('an artifact used in two roles', () => {
  let service: RunningService;
  let graph: GraphConnection;
  const documents = [signBundle(model.doc, signer), signEnvelope(training, signer), signEnvelope(retraining, signer)];

  before(async () => {
    service = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(signer) });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    // the provenance twice: a resubmission changes nothing
    for (const body of [...documents, documents[1] as string]) {
      const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body });
      const { id } = (await response.json()) as { id: string };
      assert.equal((await waitForSubmission(service.url, id))['state'], 'VERIFIED');
    }
  });
  after(async () => {
    await graph?.driver.close();
    await service?.close();
  });

  it('is one USED edge per role, each with its provenance as evidence', async () => {
    const { records } = await graph.driver.executeQuery(
      `MATCH (:Artifact {digest: $model})-[u:USED]->(:Artifact {digest: $script}) RETURN u.role AS role, u.evidence AS evidence ORDER BY role`,
      { model: `sha256:${model.root}`, script: `sha256:${script}` },
      { database: 'neo4j' },
    );
    assert.deepEqual(
      records.map((r) => [r.get('role'), (r.get('evidence') as string[]).length]),
      [
        ['code', 1],
        ['config', 1],
        ['input', 1],
      ],
    );
  });

  it('shows both edges in the lineage', async () => {
    const q = `query ($d: String!) { lineage(digest: $d, direction: UPSTREAM, maxDepth: 1) { edges { type role to { key } } } }`;
    const { data, errors } = await graphql(service.url, q, { d: `sha256:${model.root}` });
    assert.equal(errors, undefined, JSON.stringify(errors));
    const used = (data?.['lineage'] as any).edges.filter((e: any) => e.type === 'USED' && e.to.key === `sha256:${script}`);
    assert.deepEqual(used.map((e: any) => e.role).sort(), ['code', 'config', 'input']);
  });

  it('lists the artifact once in the AI-BOM, with both roles, and the BOM is valid', async () => {
    const bom: any = await exportAiBom(graph, `sha256:${model.root}`, 'CYCLONEDX_1_6', {
      timestamp: '2026-11-22T00:00:00Z',
      baseUrl: service.url,
    });
    assert.deepEqual(await validateCycloneDx(bom, '1.6'), []);
    const listed = bom.formulation[0].components.filter((c: any) => c['bom-ref'] === `sha256:${script}`);
    assert.equal(listed.length, 1);
    assert.deepEqual(
      listed[0].properties.filter((p: any) => p.name === 'mpg:role').map((p: any) => p.value),
      ['code', 'config', 'input'],
    );
  });
});

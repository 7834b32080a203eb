// The AI-BOM export thread on the real Neo4j: it reads and builds the same documents as exportAiBom on the calling
// thread, refuses more waiting documents than it queues (BUSY), keeps a request's deadline for its graph reads
// (TIMEOUT), passes NOT_FOUND back as such, and fails what still waits when closed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BomError, createBomExporter, exportAiBom, type BomExporter } from '../../src/bom/index.ts';
import { closeGraph, connectGraph, GraphError, type GraphConnection } from '../../src/graph/index.ts';
import { ingestDocument } from '../../src/ingest/index.ts';
import { loadTrustPolicy } from '../../src/verify/index.ts';
import { newSigner, omsStatement, provenance, sha256, signBundle, signEnvelope } from '../support/attest.ts';
import { integrationEnv, policyFileFor } from '../support/service.ts';

const OPTIONS = { timestamp: '2026-11-02T10:00:00Z', baseUrl: 'https://provenance.example.com' };

describe('AI-BOM export thread', () => {
  const connect = { uri: integrationEnv().NEO4J_URI, database: 'neo4j' };
  const signer = newSigner();
  const model = omsStatement('export-thread-model', { 'weights.bin': randomUUID() });
  const digest = `sha256:${model.root}`;
  let graph: GraphConnection;
  let exporter: BomExporter;

  before(async () => {
    graph = connectGraph(connect);
    exporter = createBomExporter({ graph: connect, maxQueued: 2 });
    const policy = loadTrustPolicy(await policyFileFor(signer));
    const run = provenance({
      subjects: [{ name: 'export-thread-model', digest: { sha256: model.root } }],
      dependencies: Array.from({ length: 50 }, (_, i) => ({
        uri: `pkg:pypi/export-thread-${i}@1.${i}`,
        digest: { sha256: sha256(`${model.root}/${i}`) },
      })),
      runKind: 'training',
      invocationId: randomUUID(),
    });
    const meta = { origin: 'test', collector: 'test', receivedAt: new Date().toISOString() };
    for (const bytes of [signBundle(model.doc, signer), signEnvelope(run, signer)]) {
      const { result } = await ingestDocument(Buffer.from(bytes), meta, { graph, policy: () => policy });
      assert.equal(result.status, 'verified');
    }
  });
  after(async () => {
    await exporter?.close();
    await closeGraph(graph);
  });

  it('reads and builds the same CycloneDX and SPDX documents as the calling thread', async () => {
    for (const format of ['CYCLONEDX_1_7', 'SPDX_3_0_1'] as const) {
      const here = await exportAiBom(graph, digest, format, OPTIONS);
      assert.deepEqual(JSON.parse(await exporter.export({ digest, format, options: OPTIONS })), here);
    }
  });

  it('refuses more waiting documents than maxQueued with BUSY, and builds the others', async () => {
    const settled = await Promise.allSettled(
      [1, 2, 3].map(() => exporter.export({ digest, format: 'CYCLONEDX_1_6', options: OPTIONS })),
    );
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    const refused = settled[2];
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof BomError && refused.reason.code === 'BUSY');
  });

  it('passes back NOT_FOUND, and TIMEOUT for a deadline already past', async () => {
    await assert.rejects(
      exporter.export({ digest: `sha256:${'0'.repeat(64)}`, format: 'CYCLONEDX_1_6', options: OPTIONS }),
      (error: unknown) => error instanceof BomError && error.code === 'NOT_FOUND',
    );
    await assert.rejects(
      exporter.export({ digest, format: 'CYCLONEDX_1_6', options: OPTIONS, deadline: Date.now() - 1 }),
      (error: unknown) => error instanceof GraphError && error.code === 'TIMEOUT',
    );
  });

  it('fails documents still waiting when closed', async () => {
    const local = createBomExporter({ graph: connect });
    const refused = assert.rejects(
      local.export({ digest, format: 'CYCLONEDX_1_6', options: OPTIONS }),
      (error: unknown) => error instanceof BomError && error.code === 'BUSY',
    );
    await local.close();
    await refused;
  });
});

// AI-BOMs built on the export thread are the same documents as those built here; a full queue refuses with BUSY, a
// BOM over the component limit is refused before it is built, and closing the exporter fails what still waits.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BomError, buildCycloneDx, buildSpdx, componentCount, createBomExporter } from '../../../src/bom/index.ts';
import { checkSize } from '../../../src/bom/build.ts';
import { subject } from './subject-fixture.ts';

const OPTIONS = { timestamp: '2026-11-02T10:00:00Z', baseUrl: 'https://provenance.example.com' };

describe('AI-BOM export thread', () => {
  const exporter = createBomExporter({ maxQueued: 2 });
  after(() => exporter.close());

  it('builds the same CycloneDX and SPDX documents as the calling thread', async () => {
    assert.deepEqual(await exporter.build(subject(), 'CYCLONEDX_1_7', OPTIONS), await buildCycloneDx(subject(), '1.7', OPTIONS));
    assert.deepEqual(await exporter.build(subject(), 'SPDX_3_0_1', OPTIONS), buildSpdx(subject(), OPTIONS));
  });

  it('refuses more waiting documents than maxQueued with BUSY, and builds the others', async () => {
    const builds = [1, 2, 3].map(() => exporter.build(subject(), 'CYCLONEDX_1_6', OPTIONS));
    const settled = await Promise.allSettled(builds);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    const refused = settled[2];
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof BomError);
    assert.equal((refused.reason as BomError).code, 'BUSY');
  });

  it('refuses a subject over the component limit as TOO_LARGE', () => {
    const count = componentCount(subject());
    assert.doesNotThrow(() => checkSize(subject(), count));
    assert.throws(
      () => checkSize(subject(), count - 1),
      (error: unknown) => error instanceof BomError && error.code === 'TOO_LARGE',
    );
  });

  it('fails documents still waiting when closed', async () => {
    const local = createBomExporter();
    const refused = assert.rejects(
      local.build(subject(), 'CYCLONEDX_1_6', OPTIONS),
      (error: unknown) => error instanceof BomError && error.code === 'BUSY',
    );
    await local.close();
    await refused;
  });
});

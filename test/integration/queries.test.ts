// The questions users come for, over GraphQL on the real Neo4j: lineage both ways, models from a
// dataset (with paths), and incident traces from an artifact, a package version range and a key.
// Every run signs a fresh lineage with fresh content, so its answers are exact whatever else is stored.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { validateCycloneDx } from '../../src/bom/index.ts';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, provenance, signBundle, signEnvelope, type Signer } from '../support/attest.ts';
import { graphql, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';
import { spdxSchemaErrors } from '../support/spdx-schema.ts';

const run = randomUUID();
const signer: Signer = newSigner();
const keyFingerprint = createHash('sha256')
  .update(createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' }))
  .digest('hex');

const base = omsStatement('base-model', { 'weights.bin': `base ${run}` });
const raw = omsStatement('raw-corpus', { 'data.jsonl': `raw ${run}` });
const clean = omsStatement('clean-corpus', { 'data.jsonl': `clean ${run}` });
const tuned = omsStatement('tuned-model', { 'weights.bin': `tuned ${run}` });
const quant = omsStatement('tuned-int8', { 'weights.bin': `int8 ${run}` });
const d = (root: string) => ({ sha256: root });
const TORCH = `pkg:pypi/torch-${run.slice(0, 8)}@2.5.1`;

/** A signed pipeline run: what it made, from what, and how. */
const pipeline = (input: Parameters<typeof provenance>[0]) => signEnvelope(provenance(input), signer);

const documents = [
  ...[base, raw, clean, tuned, quant].map((oms) => signBundle(oms.doc, signer)),
  pipeline({
    subjects: [{ name: 'clean-corpus', digest: d(clean.root), annotations: { role: 'dataset' } }],
    dependencies: [{ name: 'raw-corpus', digest: d(raw.root), annotations: { role: 'dataset' } }],
    runKind: 'preprocessing',
    invocationId: `prep-${run}`,
  }),
  pipeline({
    subjects: [{ name: 'tuned-model', digest: d(tuned.root) }],
    dependencies: [
      { name: 'base-model', digest: d(base.root), annotations: { role: 'base-model' } },
      { name: 'clean-corpus', digest: d(clean.root), annotations: { role: 'dataset' } },
      { uri: TORCH, digest: { sha256: 'e'.repeat(64) } },
    ],
    runKind: 'fine-tune',
    invocationId: `ft-${run}`,
  }),
  pipeline({
    subjects: [{ name: 'tuned-int8', digest: d(quant.root) }],
    dependencies: [{ name: 'tuned-model', digest: d(tuned.root), annotations: { role: 'base-model' } }],
    runKind: 'quantization',
    invocationId: `q-${run}`,
  }),
];

const sha = (root: string) => `sha256:${root}`;
const AFFECTED = `edges { node { node { kind key } depth verified path { type from { key } to { key } how evidence { status signer { fingerprint } } } } } totalCount pageInfo { hasNextPage endCursor }`;

describe('queries over a signed lineage', () => {
  let service: RunningService;

  before(async () => {
    service = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(signer) });
    for (const body of documents) {
      const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body });
      const { id } = (await response.json()) as { id: string };
      const done = await waitForSubmission(service.url, id);
      assert.equal(done['state'], 'VERIFIED', JSON.stringify(done));
    }
  });
  after(async () => {
    await service?.close();
  });

  it('lists the models that came from a dataset, directly and transitively, with paths', async () => {
    const q = `query ($d: String!, $t: Boolean!) { modelsTrainedOn(dataset: $d, transitive: $t) { ${AFFECTED} } }`;
    const transitive = await graphql(service.url, q, { d: sha(raw.root), t: true });
    assert.equal(transitive.errors, undefined, JSON.stringify(transitive.errors));
    const edges = (transitive.data?.['modelsTrainedOn'] as any).edges;
    assert.deepEqual(
      edges.map((e: any) => [e.node.node.key, e.node.depth]),
      [
        [sha(tuned.root), 2],
        [sha(quant.root), 3],
      ],
    );
    assert.deepEqual(
      edges[1].node.path.map((h: any) => [h.type, h.from.key, h.to.key, h.how]),
      [
        ['DERIVED_FROM', sha(quant.root), sha(tuned.root), 'quantization'],
        ['TRAINED_ON', sha(tuned.root), sha(clean.root), null],
        ['DERIVED_FROM', sha(clean.root), sha(raw.root), 'preprocessing'],
      ],
    );
    const direct = await graphql(service.url, q, { d: sha(raw.root), t: false });
    assert.equal((direct.data?.['modelsTrainedOn'] as any).totalCount, 0);
    const directClean = await graphql(service.url, q, { d: sha(clean.root), t: false });
    assert.deepEqual(
      (directClean.data?.['modelsTrainedOn'] as any).edges.map((e: any) => e.node.node.key),
      [sha(tuned.root)],
    );
  });

  it('traces a compromised foundation model to every derivative, with evidence and signer', async () => {
    const q = `query ($d: String!) { incidentTrace(compromised: { artifact: $d }) {
      compromised { key } summary { total byKind { kind count } byDepth { depth count } } affected { ${AFFECTED} } } }`;
    const { data, errors } = await graphql(service.url, q, { d: sha(base.root) });
    assert.equal(errors, undefined, JSON.stringify(errors));
    const trace = data?.['incidentTrace'] as any;
    assert.deepEqual(
      trace.compromised.map((n: any) => n.key),
      [sha(base.root)],
    );
    assert.equal(trace.summary.total, 2);
    assert.deepEqual(trace.summary.byDepth, [
      { depth: 1, count: 1 },
      { depth: 2, count: 1 },
    ]);
    const quantized = trace.affected.edges.find((e: any) => e.node.node.key === sha(quant.root)).node;
    assert.equal(quantized.verified, true);
    assert.equal(quantized.path[0].evidence[0].status, 'VERIFIED');
    assert.equal(quantized.path[0].evidence[0].signer.fingerprint, keyFingerprint);
  });

  it('traces a compromised package version range, and misses versions outside it', async () => {
    const q = `query ($p: String!, $r: String) { incidentTrace(compromised: { package: { purl: $p, versionRange: $r } }) { summary { total } affected { ${AFFECTED} } } }`;
    const purl = TORCH.split('@')[0] as string;
    const hit = await graphql(service.url, q, { p: purl, r: '>=2.5.0 <2.5.2' });
    assert.deepEqual(
      (hit.data?.['incidentTrace'] as any).affected.edges.map((e: any) => [e.node.node.key, e.node.depth]),
      [
        [sha(tuned.root), 1],
        [sha(quant.root), 2],
      ],
    );
    const miss = await graphql(service.url, q, { p: purl, r: '>=2.6' });
    assert.equal((miss.data?.['incidentTrace'] as any).summary.total, 0);
  });

  it('traces a compromised signing key to everything it signed and everything built from that', async () => {
    const q = `query ($k: String!) { incidentTrace(compromised: { key: $k }, first: 2) { summary { total } affected { ${AFFECTED} } } }`;
    const { data, errors } = await graphql(service.url, q, { k: keyFingerprint });
    assert.equal(errors, undefined, JSON.stringify(errors));
    const trace = data?.['incidentTrace'] as any;
    assert.equal(trace.summary.total, 5, 'the five signed models and datasets');
    assert.equal(trace.affected.edges.length, 2);
    assert.equal(trace.affected.pageInfo.hasNextPage, true);
    assert.equal(trace.affected.totalCount, 5);
    for (const edge of trace.affected.edges) assert.equal(edge.node.path.at(-1).type, 'SIGNED');

    // Paths are explained page by page: the next page's paths match what one big page gives.
    const next = `query ($k: String!, $a: String, $n: Int!) { incidentTrace(compromised: { key: $k }, first: $n, after: $a) { affected { ${AFFECTED} } } }`;
    const rest = await graphql(service.url, next, { k: keyFingerprint, a: trace.affected.pageInfo.endCursor, n: 10 });
    const whole = await graphql(service.url, next, { k: keyFingerprint, a: null, n: 10 });
    assert.equal(rest.errors, undefined, JSON.stringify(rest.errors));
    const paged = [...trace.affected.edges, ...(rest.data?.['incidentTrace'] as any).affected.edges].map((e: any) => e.node);
    assert.deepEqual(
      paged,
      (whole.data?.['incidentTrace'] as any).affected.edges.map((e: any) => e.node),
    );
    for (const node of paged) assert.equal(node.path.length, node.depth, `a depth-${node.depth} node has one hop per level`);
  });

  it('refuses a lineage with more nodes than LINEAGE_MAX_NODES, and answers one within it', async () => {
    const small = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(signer), LINEAGE_MAX_NODES: '3' });
    try {
      const q = `query ($d: String!, $n: Int!) { lineage(digest: $d, direction: UPSTREAM, maxDepth: $n) { nodes { key } } }`;
      const big = await graphql(small.url, q, { d: sha(quant.root), n: 5 });
      assert.equal(big.errors?.[0]?.extensions?.code, 'RESULT_TOO_LARGE', JSON.stringify(big));
      assert.match(big.errors?.[0]?.message ?? '', /more than 3/);
      // one hop up from the quantized model is itself and the fine-tune it came from (plus its run): within 3
      const near = await graphql(small.url, q, { d: sha(quant.root), n: 1 });
      assert.equal(near.errors, undefined, JSON.stringify(near.errors));
      assert.ok((near.data?.['lineage'] as any).nodes.length <= 3);
      // the service keeps answering after a refusal
      const again = await graphql(service.url, q, { d: sha(quant.root), n: 5 });
      assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    } finally {
      await small.close();
    }
  });

  it('answers lineage upstream and downstream with evidence on every edge', async () => {
    const q = `query ($d: String!, $dir: LineageDirection!) { lineage(digest: $d, direction: $dir, maxDepth: 5) {
      root { key } nodes { kind key depth direction } edges { type from { key } to { key } how verified evidence { attestation status } } } }`;
    const up = await graphql(service.url, q, { d: sha(quant.root), dir: 'UPSTREAM' });
    assert.equal(up.errors, undefined, JSON.stringify(up.errors));
    const lineage = up.data?.['lineage'] as any;
    const keys = lineage.nodes.map((n: any) => n.key);
    for (const expected of [sha(quant.root), sha(tuned.root), sha(base.root), sha(clean.root), sha(raw.root), TORCH]) {
      assert.ok(keys.includes(expected), expected);
    }
    assert.ok(lineage.edges.length >= 6);
    for (const edge of lineage.edges) {
      assert.equal(edge.verified, true);
      assert.ok(edge.evidence.length >= 1);
    }
    const down = await graphql(service.url, q, { d: sha(base.root), dir: 'DOWNSTREAM' });
    assert.deepEqual(
      (down.data?.['lineage'] as any).nodes.filter((n: any) => n.kind === 'MODEL').map((n: any) => [n.key, n.depth]),
      [
        [sha(base.root), 0],
        [sha(tuned.root), 1],
        [sha(quant.root), 2],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
  });

  it('answers the same questions from the CLI, as tables and as JSON', async () => {
    const cli = async (...args: string[]): Promise<string> =>
      (await promisify(execFile)(process.execPath, ['src/cli/main.ts', ...args, '--url', service.url])).stdout;
    const traced = JSON.parse(await cli('trace', '--artifact', sha(base.root), '--json'));
    assert.deepEqual(
      traced.affected.edges.map((e: any) => e.node.node.key),
      [sha(tuned.root), sha(quant.root)],
    );
    const table = await cli('trace', '--artifact', sha(base.root));
    assert.match(table, /2 affected \(2 model\); depth 1: 1, depth 2: 1/);
    assert.ok(table.includes(sha(quant.root)));
    const models = await cli('models-from-dataset', sha(raw.root));
    assert.match(models, /2 model\(s\)/);
    const lineage = JSON.parse(await cli('lineage', sha(quant.root), '--up', '--json'));
    assert.ok(lineage.nodes.some((n: any) => n.key === sha(base.root)));
  });

  it('exports AI-BOMs in all three formats; CycloneDX ones pass the official schema', async () => {
    const q = `query ($d: String!, $f: BomFormat!) { aiBom(digest: $d, format: $f) }`;
    for (const [format, version] of [
      ['CYCLONEDX_1_6', '1.6'],
      ['CYCLONEDX_1_7', '1.7'],
    ] as const) {
      const { data, errors } = await graphql(service.url, q, { d: sha(quant.root), f: format });
      assert.equal(errors, undefined, JSON.stringify(errors));
      const bom = data?.['aiBom'] as any;
      assert.equal(bom.specVersion, version);
      assert.deepEqual(await validateCycloneDx(bom, version), []);
      assert.equal(bom.metadata.component.type, 'machine-learning-model');
      assert.ok(JSON.stringify(bom.metadata.component.pedigree.ancestors).includes(tuned.root));
    }
    const spdx = await graphql(service.url, q, { d: sha(tuned.root), f: 'SPDX_3_0_1' });
    assert.equal(spdx.errors, undefined, JSON.stringify(spdx.errors));
    assert.deepEqual(spdxSchemaErrors(spdx.data?.['aiBom']), [], 'the SPDX 3.0.1 JSON Schema accepts it');
    const elements = (spdx.data?.['aiBom'] as any)['@graph'] as any[];
    assert.ok(elements.some((e) => e.type === 'ai_AIPackage'));
    assert.ok(elements.some((e) => e.type === 'Relationship' && e.relationshipType === 'trainedOn'));
    const missing = await graphql(service.url, q, { d: `sha256:${'0'.repeat(64)}`, f: 'SPDX_3_0_1' });
    assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('refuses malformed arguments with codes', async () => {
    const depth = await graphql(service.url, `{ lineage(digest: "${sha(base.root)}", maxDepth: 99) { root { key } } }`);
    assert.equal(depth.errors?.[0]?.extensions?.code, 'BAD_REQUEST');
    const two = await graphql(
      service.url,
      `{ incidentTrace(compromised: { artifact: "${sha(base.root)}", key: "${keyFingerprint}" }) { summary { total } } }`,
    );
    assert.equal(two.errors?.[0]?.extensions?.code, 'BAD_REQUEST');
  });
});

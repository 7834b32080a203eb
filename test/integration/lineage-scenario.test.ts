// The lineage scenario end to end (docs/LINEAGE.md): real signed documents submitted over HTTP in
// shuffled order, some twice and some concurrently, to a service with four concurrent workers; the
// graph is then checked directly in Neo4j against test/fixtures/scenario/expected.json — every node
// with its labels, every edge exactly once with exactly the evidence of the documents asserting it,
// the forged and tampered documents rejected with their reason codes and linked to nothing.
//
// Neo4j is shared and persistent: the committed fixtures may already be in it, so they alone would
// test arrival order only on a fresh database. The later cases build the same scenario with a fresh
// salt (new digests, same committed keys) so that every run ingests evidence the graph has never seen.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Driver } from 'neo4j-driver';
import type { RunningService } from '../../src/main.ts';
import { sha256 } from '../support/attest.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { openGraph, payloadOf, read, scenarioProblems, scenarioSnapshot } from '../support/scenario-graph.ts';
import { buildScenario, signerFromPem, type Expected, type Scenario, type ScenarioKeys } from '../support/scenario.ts';
import { integrationEnv, startTestService, waitForSubmission } from '../support/service.ts';
import { random, shuffle } from '../support/seeded.ts';

const DIR = path.join(REPO_ROOT, 'test/fixtures/scenario');
const committed: Scenario = (() => {
  const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Expected;
  return { expected, bodies: new Map(expected.documents.map((d) => [d.name, readFileSync(path.join(DIR, d.file), 'utf8')])) };
})();
const keys: ScenarioKeys = {
  hub: signerFromPem(readFileSync(path.join(DIR, 'keys/hub.key.pem'), 'utf8')),
  pipeline: signerFromPem(readFileSync(path.join(DIR, 'keys/pipeline.key.pem'), 'utf8')),
  attacker: signerFromPem(readFileSync(path.join(DIR, 'keys/attacker.key.pem'), 'utf8')),
};

async function submit(url: string, body: string): Promise<string> {
  const response = await fetch(`${url}/v1/attestations`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(response.status, 202, await response.clone().text());
  const { id } = (await response.json()) as { id: string };
  assert.equal(id, `sha256:${sha256(body)}`);
  return id;
}

/**
 * Submits `names` in an order shuffled by `seed`, in groups of one to four sent at once; every third
 * document is sent a second time at a later point and every fourth twice at once. Waits for every
 * verdict and checks it against the expected state and reason code.
 */
async function ingest(url: string, scenario: Scenario, names: readonly string[], seed: number): Promise<void> {
  const next = random(seed);
  const order = shuffle(names, next);
  for (const name of order.filter((_, i) => i % 3 === 0)) {
    const first = order.indexOf(name);
    order.splice(first + 1 + Math.floor(next() * (order.length - first)), 0, name);
  }
  for (let i = 0; i < order.length;) {
    const size = 1 + Math.floor(next() * 4);
    const group = order.slice(i, i + size).flatMap((name, j) => ((i + j) % 4 === 0 ? [name, name] : [name]));
    await Promise.all(group.map((name) => submit(url, scenario.bodies.get(name) ?? '')));
    i += size;
  }
  const wanted = scenario.expected.documents.filter((d) => names.includes(d.name));
  const verdicts = await Promise.all(wanted.map((d) => waitForSubmission(url, d.digest, 120_000)));
  wanted.forEach((doc, i) => {
    const verdict = verdicts[i] as Record<string, any>;
    assert.equal(verdict['state'], doc.state, `${doc.name}: ${JSON.stringify(verdict)}`);
    assert.equal(verdict['attestation']?.['reasonCode'] ?? null, doc.reasonCode, doc.name);
  });
}

async function assertGraph(driver: Driver, scenario: Scenario): Promise<void> {
  assert.deepEqual(await scenarioProblems(driver, scenario.expected, scenario.bodies), []);
}

const allNames = (scenario: Scenario): string[] => scenario.expected.documents.map((d) => d.name);

// A bounded run: a hung service fails the suite instead of stalling it.
describe(
  'lineage scenario: shuffled, duplicated, concurrent ingestion builds exactly the expected graph',
  { timeout: 300_000 },
  () => {
    let service: RunningService;
    let driver: Driver;

    before(async () => {
      service = await startTestService({ TRUST_POLICY_FILE: path.join(DIR, 'trust-policy.json'), WORKER_CONCURRENCY: '4' });
      driver = openGraph(integrationEnv().NEO4J_URI);
    });
    after(async () => {
      await service?.close();
      await driver?.close();
    });

    it('expected.json names the committed documents by their digests, and matches the scenario they were made from', () => {
      for (const doc of committed.expected.documents)
        assert.equal(`sha256:${sha256(committed.bodies.get(doc.name) ?? '')}`, doc.digest);
      // Rebuilt with the committed keys, the scenario differs only in signatures (so in document digests).
      const { expected: rebuilt, bodies } = buildScenario(keys);
      for (const doc of rebuilt.documents)
        assert.equal(payloadOf(bodies.get(doc.name) ?? ''), payloadOf(committed.bodies.get(doc.name) ?? ''), doc.name);
      const withoutDigests = (e: Expected): unknown => ({ ...e, documents: e.documents.map((d) => ({ ...d, digest: '' })) });
      assert.deepEqual(withoutDigests(rebuilt), withoutDigests(committed.expected));
    });

    it('committed fixtures, seed 1: the graph holds every expected node and edge with its evidence, and nothing the rejected documents claim', async () => {
      await ingest(service.url, committed, allNames(committed), 1);
      await assertGraph(driver, committed);
    });

    it('re-submitting every document changes nothing (idempotence)', async () => {
      const before = await scenarioSnapshot(driver, committed.expected);
      assert.ok(before.length > committed.expected.documents.length);
      await ingest(service.url, committed, allNames(committed), 2);
      assert.deepEqual(await scenarioSnapshot(driver, committed.expected), before);
    });

    it('adverse order: provenance before the signatures it names, roles inferred before the graph knows the dependency', async () => {
      const scenario = buildScenario(keys, randomUUID());
      const digest = (id: string): string => scenario.expected.nodes.find((n) => n.id === id)?.value ?? '';
      const edgesBetween = async (from: string, to: string): Promise<string[]> =>
        (
          await read(driver, 'MATCH (:Artifact {digest: $from})-[r]->(:Artifact {digest: $to}) RETURN type(r) AS type', {
            from: digest(from),
            to: digest(to),
          })
        ).map((row) => row['type'] as string);

      // 1. The chat-instructions dataset's OMS signature alone: OMS signs models and datasets alike, so
      //    until some evidence says Dataset its root is taken for a Model.
      await ingest(service.url, scenario, ['chat-instructions.oms'], 3);
      // 2. Provenance naming the code model before its signature, with chat-instructions as an unannotated
      //    dependency; and the quantization provenance naming the chat model, which nothing has described yet.
      const early = ['chat-instructions.oms', 'coder.finetune.slsa', 'chat-int4.quantize.slsa'];
      await ingest(service.url, scenario, early.slice(1), 4);
      const [coder] = await read(
        driver,
        'MATCH (m:Artifact {digest: $d}) RETURN labels(m) AS labels, m.omsSigned AS omsSigned, COUNT { (m)-[:CONTAINS]->() } AS files',
        { d: digest('model/coder') },
      );
      assert.deepEqual(coder, { labels: ['Artifact', 'Model'], omsSigned: null, files: 0 });
      // What the graph could infer so far (so the steps below really re-type these edges):
      assert.deepEqual(await edgesBetween('model/coder', 'dataset/chat-instructions'), ['DERIVED_FROM']);
      assert.deepEqual(await edgesBetween('model/chat-int4', 'model/chat'), ['USED']);

      // 3. Everything else, shuffled: the end state is the expected graph, as in any other order.
      await ingest(
        service.url,
        scenario,
        allNames(scenario).filter((name) => !early.includes(name)),
        5,
      );
      await assertGraph(driver, scenario);
      const [complete] = await read(
        driver,
        'MATCH (m:Artifact {digest: $d}) RETURN m.name AS name, m.omsSigned AS omsSigned, COUNT { (m)-[:CONTAINS]->() } AS files',
        { d: digest('model/coder') },
      );
      assert.deepEqual(complete, { name: 'acme/foundation-7b-code', omsSigned: true, files: 3 });
    });

    for (const seed of [6, 7, 8]) {
      it(`fresh scenario, seed ${seed}: all documents in shuffled groups, some twice`, async () => {
        const scenario = buildScenario(keys, randomUUID());
        await ingest(service.url, scenario, allNames(scenario), seed);
        await assertGraph(driver, scenario);
      });
    }
  },
);

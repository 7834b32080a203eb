// Card fields with per-card evidence (docs/LINEAGE.md, "Card fields") against the real Neo4j and Redis: each
// card's fields are on its own DESCRIBES edge, and the AI-BOM shows for each field the value of the first
// verified card in its scope (own cards first, then the newer, then the lower digest), citing exactly the cards
// that gave a shown value. Fresh digests every run, so the answers are exact whatever the shared graph holds.
//
// Over 300 lines: every rule of card precedence and scope is a case here, on one shared set of signed cards.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { exportAiBom, validateCycloneDx } from '../../src/bom/index.ts';
import { connectGraph, readBomSubject, type BomArtifact, type GraphConnection } from '../../src/graph/index.ts';
import { BOM_QUERY } from '../../src/graph/bom/read.ts';
import type { RunningService } from '../../src/main.ts';
import { CYCLONEDX, newSigner, omsStatement, policyFor, sha256, signEnvelope, statement } from '../support/attest.ts';
import { integrationEnv, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';

const run = randomUUID();
const sha = (hex: string): string => `sha256:${hex}`;
const TIMESTAMP = '2026-11-02T10:00:00Z';
// `stable` stays trusted throughout; `revocable` is dropped from the trust policy by the revocation test.
const stable = newSigner();
const revocable = newSigner();

type Fields = Record<string, unknown>;

/** A CycloneDX model card attesting `model`, optionally listing hashed `data` components and its creation time. */
function modelCard(model: string, fields: Fields, data: Fields[] = [], timestamp?: string): Record<string, unknown> {
  return statement(CYCLONEDX, [{ name: 'model', digest: { sha256: model } }], {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    metadata: {
      ...(timestamp ? { timestamp } : {}),
      component: { type: 'machine-learning-model', hashes: [{ alg: 'SHA-256', content: model }], ...fields },
    },
    components: data.map((d) => ({ type: 'data', ...d })),
  });
}

/** A CycloneDX data card attesting `dataset` itself. */
function datasetCard(dataset: string, fields: Fields): Record<string, unknown> {
  return statement(CYCLONEDX, [{ name: 'dataset', digest: { sha256: dataset } }], {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    metadata: { component: { type: 'data', hashes: [{ alg: 'SHA-256', content: dataset }], ...fields } },
  });
}

const license = (id: string): Fields => ({ licenses: [{ license: { id } }] });

/** The card fields of a BOM artifact, without the evidence. */
function shown(artifact: BomArtifact | undefined): unknown {
  if (!artifact?.card) return { name: artifact?.name ?? null, card: null };
  const { version, license, sourceUrl, datasetType, sensitiveData, modelCard } = artifact.card;
  return { name: artifact.name, version, license, sourceUrl, datasetType, sensitiveData, modelCard };
}

describe('card fields with per-card evidence', () => {
  let service: RunningService;
  let graph: GraphConnection;
  let policyFile: string;

  /** Submits over HTTP and waits for the verdict; returns the attestation digest. */
  async function submit(body: string, state: 'VERIFIED' | 'REJECTED' = 'VERIFIED'): Promise<string> {
    const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body });
    assert.equal(response.status, 202);
    const { id } = (await response.json()) as { id: string };
    const done = await waitForSubmission(service.url, id);
    assert.equal(done['state'], state, JSON.stringify(done));
    return id;
  }

  async function bomOf(model: string) {
    const subject = await readBomSubject(graph, sha(model));
    assert.ok(subject, `no BOM subject ${model}`);
    return subject;
  }

  async function describes(attestation: string): Promise<{ to: string; props: Record<string, unknown> }[]> {
    const { records } = await graph.driver.executeQuery(
      'MATCH (:Attestation {digest: $attestation})-[d:DESCRIBES]->(n) RETURN n.digest AS to, properties(d) AS props ORDER BY to',
      { attestation },
      { database: 'neo4j' },
    );
    return records.map((r) => ({ to: r.get('to') as string, props: r.get('props') as Record<string, unknown> }));
  }

  before(async () => {
    policyFile = await writeTrustPolicy(policyFor(stable, revocable));
    service = await startTestService({ TRUST_POLICY_FILE: policyFile });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
  });
  after(async () => {
    await graph?.driver.close();
    await service?.close();
  });

  it('two own cards give the same BOM card whichever arrives first: the newer by its signed time, cited alone', async () => {
    const results: { card: unknown; evidence: readonly string[]; newer: string }[] = [];
    for (const newerFirst of [false, true]) {
      const model = sha256(`two cards ${newerFirst} ${run}`);
      // The older card is the one with the later-sorting digest half the time: the digest is only the last tie-break.
      const apache = signEnvelope(
        modelCard(model, { name: 'summarizer', ...license('Apache-2.0') }, [], '2026-10-01T09:00:00Z'),
        stable,
      );
      const mit = signEnvelope(
        modelCard(model, { name: 'summarizer', ...license('MIT') }, [], '2026-10-02T09:00:00+02:00'),
        stable,
      );
      const arrivals = newerFirst ? [mit, apache] : [apache, mit];
      for (const document of arrivals) await submit(document);
      const { model: artifact } = await bomOf(model);
      results.push({ card: shown(artifact), evidence: artifact.card?.evidence ?? [], newer: `sha256:${sha256(mit)}` });
    }
    const [first, second] = results;
    assert.deepEqual(first?.card, second?.card, 'the same card whatever the write order');
    assert.deepEqual(first?.card, {
      name: 'summarizer',
      version: null,
      license: 'MIT',
      sourceUrl: null,
      datasetType: null,
      sensitiveData: [],
      modelCard: null,
    });
    for (const result of results) assert.deepEqual(result.evidence, [result.newer], 'only the card that gave the values');
  });

  it("a model card's data component yields to the dataset's own card, and another model's card is not cited", async () => {
    const dataset = sha256(`corpus ${run}`);
    const model = sha256(`tagger ${run}`);
    const otherModel = sha256(`other tagger ${run}`);
    const own = await submit(
      signEnvelope(
        datasetCard(dataset, {
          name: 'news-corpus',
          ...license('CC-BY-4.0'),
          data: [{ type: 'dataset', contents: { url: 'https://data.example.com/news' } }],
        }),
        stable,
      ),
    );
    // Newer than the own card, and saying other things of the dataset: only what the own card leaves open shows.
    const mine = await submit(
      signEnvelope(
        modelCard(model, { name: 'tagger' }, [
          {
            name: 'news (as the tagger calls it)',
            hashes: [{ alg: 'SHA-256', content: dataset }],
            ...license('MIT'),
            data: [{ type: 'dataset', contents: { url: 'https://mirror.example.com/news' }, sensitiveData: ['bylines'] }],
          },
        ]),
        stable,
      ),
    );
    const theirs = await submit(
      signEnvelope(
        modelCard(otherModel, { name: 'other tagger' }, [
          {
            name: 'news (theirs)',
            hashes: [{ alg: 'SHA-256', content: dataset }],
            ...license('GPL-3.0-only'),
            data: [{ type: 'image', sensitiveData: ['faces'] }],
          },
        ]),
        stable,
      ),
    );
    assert.deepEqual(
      (await describes(mine)).map((d) => [d.to, d.props['own']]).sort(),
      [
        [sha(dataset), false],
        [sha(model), true],
      ].sort(),
    );

    const [data] = (await bomOf(model)).datasets;
    assert.deepEqual(shown(data?.artifact), {
      name: 'news-corpus',
      version: null,
      license: 'CC-BY-4.0',
      sourceUrl: 'https://data.example.com/news',
      datasetType: 'dataset',
      sensitiveData: ['bylines'],
      modelCard: null,
    });
    assert.deepEqual(data?.artifact.card?.evidence, [own, mine].sort());
    const bom: any = await exportAiBom(graph, sha(model), 'CYCLONEDX_1_6', { timestamp: TIMESTAMP });
    assert.deepEqual(await validateCycloneDx(bom, '1.6'), []);
    const component = bom.components.find((c: any) => c['bom-ref'] === sha(dataset));
    assert.equal(component.name, 'news-corpus');
    assert.deepEqual(component.licenses, [{ license: { id: 'CC-BY-4.0' } }]);
    const text = JSON.stringify(bom);
    for (const absent of [theirs.slice('sha256:'.length), 'GPL-3.0-only', 'faces', 'news (theirs)'])
      assert.ok(!text.includes(absent), `the other model's card is not in this BOM: ${absent}`);

    // The other model's BOM: the same own-card values, its own card filling what the own card leaves open.
    const [theirData] = (await bomOf(otherModel)).datasets;
    assert.equal(theirData?.artifact.card?.license, 'CC-BY-4.0');
    assert.deepEqual(theirData?.artifact.card?.sensitiveData, ['faces']);
    assert.deepEqual(theirData?.artifact.card?.evidence, [own, theirs].sort());
  });

  it('the same card twice is one DESCRIBES edge, unchanged', async () => {
    const model = sha256(`twice ${run}`);
    const body = signEnvelope(modelCard(model, { name: 'twice', version: '1.0.0', ...license('MIT') }), stable);
    const id = await submit(body);
    const first = await describes(id);
    assert.equal(await submit(body), id);
    assert.deepEqual(await describes(id), first);
    assert.deepEqual(first, [{ to: sha(model), props: { own: true, name: 'twice', version: '1.0.0', license: 'MIT' } }]);
  });

  it("a revoked card's fields leave the BOM: the remaining card shows, cited alone; with no card left, card is null", async () => {
    const shared = omsStatement('shared-model', { 'weights.bin': `shared ${run}` });
    const lonely = omsStatement('lonely-model', { 'weights.bin': `lonely ${run}` });
    for (const oms of [shared, lonely]) await submit(signEnvelope(oms.doc, stable));
    const kept = await submit(
      signEnvelope(modelCard(shared.root, { name: 'shared', ...license('Apache-2.0') }, [], '2026-10-01T00:00:00Z'), stable),
    );
    // Newer by its signed time, so it gives every field while it is trusted.
    const revokedBody = signEnvelope(
      modelCard(shared.root, { name: 'shared (revoked)', version: '9.9.9', ...license('MIT') }, [], '2026-10-05T00:00:00Z'),
      revocable,
    );
    const revoked = await submit(revokedBody);
    const lonelyBody = signEnvelope(modelCard(lonely.root, { name: 'lonely', ...license('MIT') }), revocable);
    const lonelyCard = await submit(lonelyBody);

    const trusted = await bomOf(shared.root);
    assert.deepEqual(
      [trusted.model.name, trusted.model.card?.license, trusted.model.card?.version],
      ['shared (revoked)', 'MIT', '9.9.9'],
    );
    assert.deepEqual(trusted.model.card?.evidence, [revoked]);
    assert.deepEqual((await bomOf(lonely.root)).model.card?.evidence, [lonelyCard]);

    await writeFile(policyFile, JSON.stringify(policyFor(stable)));
    // The policy store re-checks the file at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await submit(revokedBody, 'REJECTED'), revoked);
    assert.equal(await submit(lonelyBody, 'REJECTED'), lonelyCard);
    assert.deepEqual(await describes(revoked), [], 'a rejected card describes nothing');

    const withdrawn = await bomOf(shared.root);
    assert.deepEqual(shown(withdrawn.model), {
      name: 'shared',
      version: null,
      license: 'Apache-2.0',
      sourceUrl: null,
      datasetType: null,
      sensitiveData: [],
      modelCard: null,
    });
    assert.deepEqual(withdrawn.model.card?.evidence, [kept]);
    const bom = JSON.stringify(await exportAiBom(graph, sha(shared.root), 'CYCLONEDX_1_6', { timestamp: TIMESTAMP }));
    for (const absent of [revoked.slice('sha256:'.length), '9.9.9', 'shared (revoked)'])
      assert.ok(!bom.includes(absent), `nothing from the revoked card: ${absent}`);

    const alone = await bomOf(lonely.root);
    assert.equal(alone.model.card, null);
    assert.equal(alone.model.name, 'lonely-model', "the node's own name once no card names it");
  });

  it("reads a popular dataset's card without going through every other card that describes it", async () => {
    // Written straight into Neo4j (salted digests, deleted after): a dataset with its own card and `others` other
    // models' cards about it, reached from a model by a TRAINED_ON edge whose evidence is one of those cards.
    const dbHits = async (others: number): Promise<number> => {
      const prefix = `sha256:hub-${others}-${run}-`;
      const params = { prefix, others: neo4j.int(others), model: `${prefix}model`, dataset: `${prefix}dataset` };
      try {
        await graph.driver.executeQuery(
          `CREATE (m:Artifact:Model {digest: $model})-[:TRAINED_ON {evidence: [$prefix + 'card-1']}]->(d:Artifact:Dataset {digest: $dataset})
           CREATE (own:Attestation {digest: $prefix + 'own', status: 'verified', receivedAt: datetime()})-[:ATTESTS]->(d)
           CREATE (own)-[:DESCRIBES {own: true, license: 'CC-BY-4.0'}]->(d)
           WITH d UNWIND range(1, $others) AS i
           CREATE (:Attestation {digest: $prefix + 'card-' + i, status: 'verified', receivedAt: datetime()})
                  -[:DESCRIBES {own: false, license: 'MIT'}]->(d)`,
          params,
          { database: 'neo4j' },
        );
        const { records, summary } = await graph.driver.executeQuery(
          `PROFILE ${BOM_QUERY}`,
          { digest: params.model },
          { database: 'neo4j' },
        );
        const [data] = records[0]?.get('models')[0]?.trainedOn ?? [];
        assert.deepEqual(data.artifact.cards.map((c: any) => [c.digest, c.own]).sort(), [
          [`${prefix}card-1`, false],
          [`${prefix}own`, true],
        ]);
        const total = (plan: any): number =>
          (plan.dbHits ?? 0) + (plan.children ?? []).reduce((sum: number, c: any) => sum + total(c), 0);
        return total(summary.profile);
      } finally {
        await graph.driver.executeQuery(
          'MATCH (n) WHERE (n:Artifact OR n:Attestation) AND n.digest STARTS WITH $prefix DETACH DELETE n',
          params,
          { database: 'neo4j' },
        );
      }
    };
    // Both above Neo4j's dense-node threshold (50 relationships), where a node's relationships are kept by type.
    const few = await dbHits(60);
    const many = await dbHits(2000);
    assert.ok(many <= few + 20, `reading the card costs ${many} db hits with 2,000 other cards, ${few} with 60`);
  });
});

// `verifiedOnly` traces and traces from several starts on a hand-made graph: one edge without evidence (which ingest
// never leaves behind, docs/QUERIES.md "Verified hops", so it is written here directly) must be followed by default
// and refused with verifiedOnly, both by the one-start search (ANY SHORTEST) and by the level-by-level search from
// several starts (a package's versions). Every key is salted, and the test removes what it wrote.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, connectGraph, traceIncident, type Compromised, type GraphConnection } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { integrationEnv } from '../support/service.ts';

const salt = randomUUID();
const digest = (name: string): string => `sha256:${createHash('sha256').update(`${salt}/${name}`).digest('hex')}`;
const [ROOT, A, B, C] = ['root', 'a', 'b', 'c'].map(digest) as [string, string, string, string];
const EVIDENCE = digest('attestation');
const PURL = `pkg:pypi/lib-${salt.slice(0, 8)}`;

describe('traces that follow only evidenced edges', () => {
  let graph: GraphConnection;

  before(async () => {
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    await applyMigrations(graph, MIGRATIONS_DIR);
    // root <-DERIVED_FROM- a (evidence), root <-DERIVED_FROM- b (none), b <-DERIVED_FROM- c (evidence);
    // a BUILT_WITH lib@1 (evidence), b BUILT_WITH lib@2 (none).
    await graph.driver.executeQuery(
      `CREATE (att:Attestation {digest: $evidence, status: 'verified', predicateType: 'https://slsa.dev/provenance/v1'})
       CREATE (root:Artifact:Model {digest: $root, name: 'root'}), (a:Artifact:Model {digest: $a, name: 'a'}),
              (b:Artifact:Model {digest: $b, name: 'b'}), (c:Artifact:Model {digest: $c, name: 'c'})
       CREATE (v1:Package {purl: $purl + '@1.0.0', name: 'lib', version: '1.0.0'}),
              (v2:Package {purl: $purl + '@2.0.0', name: 'lib', version: '2.0.0'})
       CREATE (a)-[:DERIVED_FROM {how: 'fine-tune', evidence: [$evidence]}]->(root),
              (b)-[:DERIVED_FROM {how: 'fine-tune', evidence: []}]->(root),
              (c)-[:DERIVED_FROM {how: 'fine-tune', evidence: [$evidence]}]->(b),
              (a)-[:BUILT_WITH {evidence: [$evidence]}]->(v1),
              (b)-[:BUILT_WITH {evidence: []}]->(v2)`,
      { evidence: EVIDENCE, root: ROOT, a: A, b: B, c: C, purl: PURL },
      { database: graph.database },
    );
  });
  after(async () => {
    await graph?.driver.executeQuery(
      `MATCH (n) WHERE n.digest IN $digests OR n.purl STARTS WITH $purl DETACH DELETE n`,
      { digests: [ROOT, A, B, C, EVIDENCE], purl: PURL },
      { database: graph.database },
    );
    await graph?.driver.close();
  });

  /** Every artifact below the start, the one reached only over the unevidenced hop included, with its depth. */
  const everyone = (): [string, number][] => Object.entries({ [A]: 1, [B]: 1, [C]: 2 }).sort();
  const affected = async (compromised: Compromised, verifiedOnly: boolean): Promise<[string, number][]> => {
    const result = await traceIncident(graph, compromised, { maxDepth: 5, verifiedOnly });
    return result.affected.map((a): [string, number] => [a.node.key, a.depth]).sort();
  };

  it('from one artifact: the unevidenced hop is walked by default, refused with verifiedOnly', async () => {
    const root: Compromised = { kind: 'artifact', digest: ROOT };
    assert.deepEqual(await affected(root, false), everyone());
    assert.deepEqual(await affected(root, true), [[A, 1]]);
  });

  it("from a package's versions (several starts, searched level by level): the same rule", async () => {
    const lib: Compromised = { kind: 'package', purl: PURL };
    const all = await traceIncident(graph, lib, { maxDepth: 5, verifiedOnly: false });
    assert.deepEqual(all.compromised.map((n) => n.key).sort(), [`${PURL}@1.0.0`, `${PURL}@2.0.0`]);
    assert.deepEqual(await affected(lib, false), everyone());
    assert.deepEqual(await affected(lib, true), [[A, 1]]);
    // the paths are whole: c's runs c → b → lib@2
    const [c] = await all.explain(all.affected.filter((n) => n.node.key === C));
    assert.deepEqual(
      c?.path.map((hop) => [hop.type, hop.from.key, hop.to.key]),
      [
        ['DERIVED_FROM', C, B],
        ['BUILT_WITH', B, `${PURL}@2.0.0`],
      ],
    );
    assert.equal(c?.verified, false, 'one hop has no verified evidence');
  });
});

// A short pass of the fuzz target (scripts/fuzz, `npm run fuzz`): mutants of the fixtures' documents, unsigned and
// re-signed with a trusted key, through the HTTP API of a real service; every one ends VERIFIED or REJECTED with a
// reason code. The seed is fixed so a failure here can be repeated with `npm run fuzz -- --count 200 --seed 14`;
// docs/OPERATIONS.md says how to run a long pass. It runs on a Neo4j of its own: the re-signed mutants that verify
// name the fixtures' artifacts, and in the suite's shared database they would add evidence to the nodes other test
// files (the lineage scenario) check edge by edge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { fuzzPolicy, newFuzzSigner, runFuzz } from '../../scripts/fuzz/run.ts';
import { privateNeo4j, type PrivateNeo4j } from '../support/private-neo4j.ts';
import { startTestService, writeTrustPolicy } from '../support/service.ts';

const COUNT = 200;
const SEED = 14;

describe('fuzz: mutated documents through the HTTP API', () => {
  const signer = newFuzzSigner();
  let service: RunningService;
  let neo4j: PrivateNeo4j;
  before(async () => {
    neo4j = await privateNeo4j('fuzz');
    await neo4j.start();
    service = await startTestService({
      NEO4J_URI: neo4j.uri,
      TRUST_POLICY_FILE: await writeTrustPolicy(fuzzPolicy(signer.publicKeyPem)),
      WORKER_CONCURRENCY: '16',
    });
  });
  after(async () => {
    await service?.close();
    await neo4j?.remove();
  });

  it(
    `ends each of ${COUNT} mutants VERIFIED or REJECTED with a reason code`,
    {
      todo: 'unfinished (issue 14): 136 of 199 distinct mutants reached a verdict within the run on 2026-12-02; see the issue note',
    },
    async () => {
      const report = await runFuzz({ url: service.url, signer, count: COUNT, seed: SEED, concurrency: 64 });
      console.log(
        `# ${report.count} mutants, ${report.distinct} distinct: VERIFIED ${report.verified}, REJECTED ${report.rejected} ` +
          `in ${report.seconds.toFixed(1)} s; ${Object.keys(report.byCode).length} reason codes`,
      );
      assert.deepEqual(report.findings, []);
      assert.equal(report.verified + report.rejected, report.distinct);
      // Both families reach both verdicts: the mutations are neither all fatal nor all harmless.
      assert.ok((report.byFamily['resigned']?.verified ?? 0) > 0, JSON.stringify(report.byFamily));
      assert.ok((report.byFamily['resigned']?.rejected ?? 0) > 0, JSON.stringify(report.byFamily));
      assert.ok((report.byFamily['unsigned']?.rejected ?? 0) > 0, JSON.stringify(report.byFamily));
      assert.ok(Object.keys(report.byCode).length >= 5, JSON.stringify(report.byCode));
    },
  );
});

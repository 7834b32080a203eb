// A short pass of the fuzz target (scripts/fuzz, `npm run fuzz`): mutants of the fixtures' documents, unsigned and
// re-signed with a trusted key, through the HTTP API of a real service; every one ends VERIFIED or REJECTED with a
// reason code. The seed is fixed so a failure here can be repeated with `npm run fuzz -- --count 200 --seed 14`;
// docs/OPERATIONS.md says how to run a long pass. It runs on the suite's Neo4j: the fuzzer gives the fixtures
// identities of the seed's own before mutating them (scripts/fuzz/identities.ts), so no mutant that verifies adds
// evidence to the artifacts other test files (the lineage scenario) check edge by edge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { fuzzPolicy, newFuzzSigner, runFuzz } from '../../scripts/fuzz/run.ts';
import { startTestService, writeTrustPolicy } from '../support/service.ts';

const COUNT = 200;
const SEED = 14;

describe('fuzz: mutated documents through the HTTP API', () => {
  const signer = newFuzzSigner();
  let service: RunningService;
  before(async () => {
    service = await startTestService({
      TRUST_POLICY_FILE: await writeTrustPolicy(fuzzPolicy(signer.publicKeyPem)),
      WORKER_CONCURRENCY: '16',
    });
  });
  after(() => service?.close());

  it(`ends each of ${COUNT} mutants VERIFIED or REJECTED with a reason code`, async () => {
    const report = await runFuzz({ url: service.url, signer, count: COUNT, seed: SEED, concurrency: 64 });
    console.log(
      `# ${report.count} mutants, ${report.distinct} distinct: VERIFIED ${report.verified}, REJECTED ${report.rejected} ` +
        `in ${report.seconds.toFixed(1)} s (the fixtures first: ${report.warmupSeconds.toFixed(1)} s); ` +
        `${Object.keys(report.byCode).length} reason codes`,
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.verified + report.rejected, report.distinct);
    // Both families reach both verdicts: the mutations are neither all fatal nor all harmless.
    assert.ok((report.byFamily['resigned']?.verified ?? 0) > 0, JSON.stringify(report.byFamily));
    assert.ok((report.byFamily['resigned']?.rejected ?? 0) > 0, JSON.stringify(report.byFamily));
    assert.ok((report.byFamily['unsigned']?.rejected ?? 0) > 0, JSON.stringify(report.byFamily));
    assert.ok(Object.keys(report.byCode).length >= 5, JSON.stringify(report.byCode));
  });
});

// The validating webhook's modes (docs/DEPLOY-GATE.md, "Validating webhook") through the gate's own function on the
// real Neo4j: what enforce mode denies, warn (dry-run) mode admits with the same reasons as a warning; a workload
// naming no policy without a default, an unknown policy and unreadable policies are refused (fail closed).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseDeployPolicies, validateAdmission, type AdmissionOptions } from '../../src/gate/index.ts';
import { applyMigrations, connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { admissionReview, workloadObject } from '../support/admission-reviews.ts';
import { integrationEnv } from '../support/service.ts';

const namespace = `modes-${randomUUID().slice(0, 8)}`;
const unknownModel = `sha256:${randomUUID().replaceAll('-', '').padEnd(64, '0')}`;
const policies = parseDeployPolicies(JSON.stringify({ version: 1, policies: { basic: {} } }));
const base: AdmissionOptions = { mode: 'enforce', defaultPolicy: 'basic', timeoutMs: 5000, exemptNamespaces: [] };

describe('validating webhook modes', () => {
  let graph: GraphConnection;
  before(async () => {
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    await applyMigrations(graph, MIGRATIONS_DIR);
  });
  after(async () => {
    await graph?.driver.executeQuery('MATCH (a:Admission {namespace: $namespace}) DETACH DELETE a', { namespace });
    await graph?.driver.close();
  });

  const review = (annotations: Record<string, string>, dryRun = false) =>
    admissionReview('Deployment', workloadObject('Deployment', 'server', namespace, annotations), { dryRun });

  it('enforce denies what the graph cannot tie to a model; warn admits it with the reason as a warning', async () => {
    const body = review({ 'gate.mpg.dev/model': unknownModel });
    const enforced = await validateAdmission(graph, () => policies, body, base);
    assert.equal(enforced.answer.response.allowed, false);
    assert.match(enforced.answer.response.status?.message ?? '', /REFERENCE: the graph knows no model/);
    const warned = await validateAdmission(graph, () => policies, body, { ...base, mode: 'warn' });
    assert.equal(warned.answer.response.allowed, true);
    assert.equal(warned.answer.response.status, undefined);
    assert.match(warned.answer.response.warnings?.[0] ?? '', /^\[dry-run\] would deny: .*REFERENCE: the graph knows no model/);
    assert.ok((warned.answer.response.warnings?.[0] ?? '').length <= 250);
  });

  it('refuses a workload that names no policy when there is no default, and an unknown policy (warn: admits)', async () => {
    const none = await validateAdmission(graph, () => policies, review({ 'gate.mpg.dev/model': unknownModel }), {
      ...base,
      defaultPolicy: null,
    });
    assert.equal(none.answer.response.allowed, false);
    assert.match(none.answer.response.status?.message ?? '', /names no deploy policy/);
    const unknown = review({ 'gate.mpg.dev/model': unknownModel, 'gate.mpg.dev/policy': 'missing' });
    assert.equal((await validateAdmission(graph, () => policies, unknown, base)).answer.response.status?.code, 403);
    assert.equal(
      (await validateAdmission(graph, () => policies, unknown, { ...base, mode: 'warn' })).answer.response.allowed,
      true,
    );
  });

  it('fails closed when the deploy policies cannot be read', async () => {
    const broken = () => {
      throw new Error('deploy policy file is invalid');
    };
    const answer = await validateAdmission(graph, broken, review({ 'gate.mpg.dev/model': unknownModel }), base);
    assert.equal(answer.answer.response.allowed, false);
    assert.match(answer.answer.response.status?.message ?? '', /no decision for .*deploy policy file is invalid/);
  });

  it('answers within the timeout, denying when no decision came in time', async () => {
    const started = Date.now();
    const answer = await validateAdmission(graph, () => policies, review({ 'gate.mpg.dev/model': unknownModel }), {
      ...base,
      timeoutMs: 1,
    });
    assert.ok(Date.now() - started < 2000);
    // Either the decision beat a 1 ms deadline (a deny for an unknown model) or the deadline won: both deny.
    assert.equal(answer.answer.response.allowed, false);
  });
});

// The deploy-time gate's decision API and stored incidents (docs/DEPLOY-GATE.md) on the real Neo4j and Redis: a
// fresh signed lineage (test/support/gate-scenario.ts) is allowed under a policy it meets, denied under each rule it
// breaks with the evidence named, and denied while an open incident covers it or anything upstream (the model, its
// dataset, a package version range, a key that signed its base model) — and allowed again once the incident closes.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { buildGateScenario, gatePolicies, gateSigners, keyFingerprint, type GateScenario } from '../support/gate-scenario.ts';
import { policyFileFor, startTestService, writeTrustPolicy } from '../support/service.ts';
import { runCli } from '../unit/cli/run-cli.ts';

const READ = 'gate-read-token-0123456789';
const INGEST = 'gate-ingest-token-0123456789';

interface Reason {
  rule: string;
  passed: boolean;
  message: string;
  attestations: string[];
  signer: Record<string, string> | null;
  path: { type: string; from: string; to: string; evidence: string[] }[];
  incident: string | null;
}
interface Decision {
  allowed: boolean;
  model: string | null;
  policy: string;
  reasons: Reason[];
}

describe('deploy-time gate: decisions and incidents', () => {
  let service: RunningService;
  let s: GateScenario;
  let policyFile: string;
  const signers = gateSigners();

  async function call(method: string, path: string, body?: unknown, token = INGEST): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  async function decide(model: string, policy: string): Promise<Decision> {
    const { status, body } = await call('POST', '/v1/decisions', { model, policy }, READ);
    assert.equal(status, 200, JSON.stringify(body));
    return body as Decision;
  }

  const failed = (d: Decision) => d.reasons.filter((r) => !r.passed);

  async function withIncident<T>(covers: unknown[], work: (id: string) => Promise<T>): Promise<T> {
    const opened = await call('POST', '/v1/incidents', { title: 'test incident', covers });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const id = opened.body.incident.id as string;
    try {
      return await work(id);
    } finally {
      const closed = await call('POST', `/v1/incidents/${id}/close`, { reason: 'test over' });
      assert.equal(closed.status, 200);
    }
  }

  before(async () => {
    policyFile = await writeTrustPolicy({ version: 1, policies: { basic: {} } });
    service = await startTestService({
      TRUST_POLICY_FILE: await policyFileFor(signers.team, signers.vendor),
      DEPLOY_POLICY_FILE: policyFile,
      API_READ_TOKENS: READ,
      API_INGEST_TOKENS: INGEST,
    });
    s = await buildGateScenario(service.url, signers, INGEST);
    // The policies name the scenario's digests: written now, picked up by the running service (hot reload).
    await writeFile(policyFile, JSON.stringify(gatePolicies(s)));
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  after(async () => {
    await service?.close();
  });

  it('allows a model that meets every rule, naming the evidence of each', async () => {
    const d = await decide(s.model, 'strict');
    assert.equal(d.allowed, true, JSON.stringify(failed(d)));
    assert.equal(d.model, s.model);
    const by = (rule: string) => d.reasons.find((r) => r.rule === rule);
    assert.deepEqual(by('SIGNATURE')?.attestations, [s.attestations.modelOms]);
    assert.equal(by('SIGNATURE')?.signer?.['fingerprint'], keyFingerprint(s.team));
    assert.deepEqual(by('PROVENANCE')?.attestations, [s.attestations.provenance]);
    assert.deepEqual(by('LICENSE')?.attestations, [s.attestations.card]);
    assert.deepEqual(by('EVALUATION')?.attestations, [s.attestations.evaluation]);
    assert.deepEqual(by('MAX_AGE')?.attestations, [s.attestations.modelOms]);
    assert.equal(by('INCIDENT')?.passed, true);
  });

  it('denies under each rule the model breaks, naming what was found', async () => {
    const cases: [string, string, string][] = [
      [s.model, 'other-signer', 'SIGNATURE'],
      [s.model, 'other-builder', 'PROVENANCE'],
      [s.model, 'mit-only', 'LICENSE'],
      [s.failing, 'evaluated', 'EVALUATION'],
      [s.model, 'ancient', 'MAX_AGE'],
    ];
    for (const [model, policy, rule] of cases) {
      const d = await decide(model, policy);
      assert.equal(d.allowed, false, `${policy}: ${JSON.stringify(d.reasons)}`);
      // Every failed reason is of that rule (a FAILED evaluation is one reason, no PASSED one another).
      assert.deepEqual([...new Set(failed(d).map((r) => r.rule))], [rule], policy);
    }
    // Found but not acceptable: the evidence looked at is named.
    assert.deepEqual(failed(await decide(s.model, 'other-signer'))[0]?.attestations, [s.attestations.modelOms]);
    // Absent evidence: a model with only a signature meets none of the other rules.
    const bare = await decide(s.bare, 'strict');
    assert.deepEqual(
      failed(bare)
        .map((r) => r.rule)
        .sort(),
      ['EVALUATION', 'LICENSE', 'PROVENANCE'],
    );
    assert.ok(failed(bare).every((r) => r.attestations.length === 0));
  });

  it('denies what the graph does not know, and refuses unknown policies and malformed requests', async () => {
    const unknown = await decide(`sha256:${'0'.repeat(64)}`, 'basic');
    assert.equal(unknown.allowed, false);
    assert.deepEqual(
      failed(unknown).map((r) => r.rule),
      ['REFERENCE'],
    );
    const unpinned = await decide('hf://org/model', 'basic');
    assert.deepEqual(
      failed(unpinned).map((r) => r.rule),
      ['REFERENCE'],
    );
    assert.equal((await call('POST', '/v1/decisions', { model: s.model, policy: 'nope' }, READ)).status, 400);
    assert.equal((await call('POST', '/v1/decisions', { model: s.model }, READ)).status, 400);
    assert.equal((await call('POST', '/v1/decisions', '{not json', READ)).status, 400);
  });

  it('denies while an incident covers the model or anything upstream, and allows again once it is closed', async () => {
    const covers: [string, unknown, string][] = [
      ['the model', { artifact: s.model }, s.model],
      ['its dataset', { artifact: s.dataset }, s.dataset],
      ['a package version range', { package: { purl: s.purlBase, versionRange: '>=2.5.0 <2.6' } }, `${s.purlBase}@2.5.1`],
      ['the key that signed its base model', { key: keyFingerprint(s.vendor) }, s.base],
    ];
    for (const [what, cover, node] of covers) {
      await withIncident([cover], async (id) => {
        const d = await decide(s.model, 'basic');
        assert.equal(d.allowed, false, what);
        const reason = failed(d)[0];
        assert.equal(reason?.rule, 'INCIDENT', what);
        assert.equal(reason?.incident, id, what);
        // The path leads from the model to the covered node, each hop with its evidence.
        const last = reason?.path.at(-1);
        if (node === s.model) assert.deepEqual(reason?.path, [], what);
        else {
          assert.equal(last?.to, node, what);
          assert.equal(reason?.path[0]?.from, s.model, what);
          assert.ok(
            reason?.path.every((hop) => hop.evidence.includes(s.attestations.provenance)),
            what,
          );
        }
      });
      assert.equal((await decide(s.model, 'basic')).allowed, true, `${what}: closed`);
    }
    // A range the package's version is outside of covers nothing.
    await withIncident([{ package: { purl: s.purlBase, versionRange: '<2.0' } }], async () => {
      assert.equal((await decide(s.model, 'basic')).allowed, true);
    });
  });

  it('stores incidents with who opened and closed them, audited', async () => {
    const opened = await call('POST', '/v1/incidents', {
      title: 'leaked key',
      reference: 'GHSA-test',
      covers: [{ key: keyFingerprint(s.vendor) }, { identity: { issuer: 'https://issuer.example', subject: 'a@b.c' } }],
    });
    assert.equal(opened.status, 201);
    const id = opened.body.incident.id as string;
    assert.match(opened.body.incident.openedBy, /^token:[0-9a-f]{16}$/);
    assert.equal(opened.body.incident.source, 'manual');
    const listed = await call('GET', '/v1/incidents?state=open', undefined, READ);
    assert.ok(listed.body.incidents.some((i: { id: string }) => i.id === id));
    const closed = await call('POST', `/v1/incidents/${id}/close`, { reason: 'rotated' });
    assert.equal(closed.body.changed, true);
    assert.equal(closed.body.incident.state, 'closed');
    const again = await call('POST', `/v1/incidents/${id}/close`, {});
    assert.equal(again.body.changed, false);
    const read = await call('GET', `/v1/incidents/${id}`, undefined, READ);
    assert.deepEqual(
      read.body.events.map((e: { action: string; actor: string }) => [e.action, e.actor]),
      [
        ['INCIDENT_OPENED', opened.body.incident.openedBy],
        ['INCIDENT_CLOSED', opened.body.incident.openedBy],
      ],
    );
    // The read token may read but not change incidents; bad bodies and unknown ids are refused clearly.
    assert.equal((await call('POST', '/v1/incidents', { title: 'x', covers: [{ artifact: s.model }] }, READ)).status, 403);
    assert.equal((await call('POST', '/v1/incidents', { title: 'x', covers: [] })).status, 400);
    assert.equal((await call('POST', '/v1/incidents', { title: 'x', covers: [{ artifact: s.model }], extra: 1 })).status, 400);
    assert.equal(
      (await call('GET', `/v1/incidents/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, undefined, READ)).status,
      404,
    );
  });

  it('GraphQL: deploymentDecision, and the incident mutations under the ingest role', async () => {
    const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    };
    const OPEN = `mutation($input: OpenIncidentInput!) { openIncident(input: $input) { id state openedBy covers { kind digest } events { action } } }`;
    const input = { title: 'gql incident', covers: [{ artifact: s.dataset }] };
    assert.equal((await gql(OPEN, { input }, READ)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const opened = await gql(OPEN, { input }, INGEST);
    const incident = opened.data?.openIncident;
    assert.deepEqual(incident?.covers, [{ kind: 'ARTIFACT', digest: s.dataset }]);
    assert.deepEqual(incident?.events, [{ action: 'INCIDENT_OPENED' }]);
    const DECIDE = `query($m: String!, $p: String!) { deploymentDecision(model: $m, policy: $p) { allowed reasons { rule passed incident path { type to } } } }`;
    const denied = (await gql(DECIDE, { m: s.model, p: 'basic' }, READ)).data?.deploymentDecision;
    assert.equal(denied.allowed, false);
    assert.equal(denied.reasons[0].incident, incident.id);
    const CLOSE = `mutation($id: ID!) { closeIncident(id: $id, reason: "done") { state closedBy events { action } } }`;
    const closed = (await gql(CLOSE, { id: incident.id }, INGEST)).data?.closeIncident;
    assert.equal(closed.state, 'CLOSED');
    assert.deepEqual(
      closed.events.map((e: { action: string }) => e.action),
      ['INCIDENT_OPENED', 'INCIDENT_CLOSED'],
    );
    assert.equal((await gql(DECIDE, { m: s.model, p: 'basic' }, READ)).data?.deploymentDecision.allowed, true);
  });

  it('fails closed when the deploy-policy file is broken, and recovers when it is fixed', async () => {
    const good = JSON.stringify(gatePolicies(s));
    await writeFile(policyFile, JSON.stringify({ version: 1, policies: { basic: { signatur: {} } } }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const broken = await call('POST', '/v1/decisions', { model: s.model, policy: 'basic' }, READ);
    assert.equal(broken.status, 503);
    assert.match(broken.body.error.message, /signatur/);
    await writeFile(policyFile, good);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await decide(s.model, 'basic')).allowed, true);
  });

  it('CLI: mpg incidents open, list, show, close and mpg decide', async () => {
    const env = { MPG_URL: service.url, MPG_TOKEN: INGEST };
    const opened = await runCli(['incidents', 'open', '--title', 'cli incident', '--artifact', s.dataset, '--json'], { env });
    assert.equal(opened.exit, 0, opened.stderr);
    const id = (JSON.parse(opened.stdout) as { incident: { id: string } }).incident.id;
    const listed = await runCli(['incidents', 'list'], { env });
    assert.match(listed.stdout, new RegExp(id));
    const denied = await runCli(['decide', s.model, '--policy', 'basic'], { env });
    assert.equal(denied.exit, 3, denied.stderr);
    assert.match(denied.stdout, /^DENY/);
    assert.match(denied.stdout, new RegExp(`incident ${id}`));
    assert.equal((await runCli(['incidents', 'close', id, '--reason', 'cleaned'], { env })).exit, 0);
    const shown = await runCli(['incidents', 'show', id], { env });
    assert.match(shown.stdout, /INCIDENT_OPENED[\s\S]*INCIDENT_CLOSED/);
    const allowed = await runCli(['decide', s.model, '--policy', 'basic'], { env });
    assert.equal(allowed.exit, 0, allowed.stdout);
    assert.equal((await runCli(['incidents', 'open', '--title', 'no covers'], { env })).exit, 2);
  });
});

// The Kubernetes admission webhooks over HTTPS (docs/DEPLOY-GATE.md, "Kubernetes admission"), with real
// AdmissionReview v1 JSON for every workload kind, against the real Neo4j and Redis and a serving certificate made
// by scripts/admission-certs.sh (openssl). No Kubernetes API server is involved: the tests send what it would send
// and check what it would read back, and run the mutating webhook's init container as a process.
//
// Over 300 lines: validation, continuous checking and mutation share one ingested scenario and one running service.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { admissionReview, WORKLOAD_KINDS, workloadObject, type WorkloadKind } from '../support/admission-reviews.ts';
import { buildGateScenario, gatePolicies, gateSigners, keyFingerprint, type GateScenario } from '../support/gate-scenario.ts';
import { applyPatch, type Operation } from '../support/json-patch.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { policyFileFor, startTestService, writeTrustPolicy } from '../support/service.ts';

interface Answer {
  apiVersion: string;
  kind: string;
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; message: string };
    warnings?: string[];
    patch?: string;
    patchType?: string;
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Kubernetes admission webhooks over HTTPS', () => {
  let service: RunningService;
  let s: GateScenario;
  let certs: string;
  let ca: Buffer;
  let work: string;
  const signers = gateSigners();

  /** POSTs to the webhook server, trusting only the local CA. */
  function post(pathname: string, body: unknown): Promise<{ status: number; body: any }> {
    const url = new URL(pathname, service.admissionUrl);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  async function review(
    kind: WorkloadKind,
    annotations: Record<string, string>,
    options: { storageUri?: string; name?: string; namespace?: string } = {},
  ): Promise<Answer['response']> {
    const object = workloadObject(
      kind,
      options.name ?? `w-${kind.toLowerCase()}`,
      options.namespace ?? `gate-${s.salt}`,
      annotations,
      options,
    );
    const body = admissionReview(kind, object);
    const { status, body: answer } = await post('/validate', body);
    assert.equal(status, 200, JSON.stringify(answer));
    assert.equal(answer.apiVersion, 'admission.k8s.io/v1');
    assert.equal(answer.kind, 'AdmissionReview');
    assert.equal(answer.response.uid, (body['request'] as { uid: string }).uid);
    return answer.response;
  }

  const rest = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${service.url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as any;
  };

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'mpg-admission-'));
    certs = path.join(work, 'certs');
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/admission-certs.sh'), certs], { stdio: 'ignore' });
    ca = await readFile(path.join(certs, 'ca.crt'));
    const policyFile = await writeTrustPolicy({ version: 1, policies: { basic: {} } });
    const validations = path.join(work, 'modelvalidations.json');
    await writeFile(validations, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
    const port = await freePort();
    service = await startTestService({
      PORT: String(port),
      TRUST_POLICY_FILE: await policyFileFor(signers.team, signers.vendor),
      DEPLOY_POLICY_FILE: policyFile,
      ADMISSION_PORT: '0',
      ADMISSION_TLS_CERT_FILE: path.join(certs, 'tls.crt'),
      ADMISSION_TLS_KEY_FILE: path.join(certs, 'tls.key'),
      ADMISSION_DEFAULT_POLICY: 'basic',
      ADMISSION_MODEL_VALIDATIONS_FILE: validations,
      ADMISSION_VERIFIER_NODE: process.execPath,
      ADMISSION_VERIFIER_CLI: path.join(REPO_ROOT, 'src/cli/main.ts'),
      ADMISSION_DECISION_URL: `http://127.0.0.1:${port}`,
    });
    s = await buildGateScenario(service.url, signers);
    await writeFile(policyFile, JSON.stringify(gatePolicies(s)));
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  after(async () => {
    await service?.close();
  });

  it('serves only over TLS with the configured certificate', async () => {
    assert.match(service.admissionUrl ?? '', /^https:/);
    const untrusted = new Promise((resolve, reject) => {
      const req = request(new URL('/healthz', service.admissionUrl), { method: 'GET' }, resolve);
      req.on('error', reject);
      req.end();
    });
    await assert.rejects(untrusted, /self-signed|unable to verify|certificate/i);
  });

  it('admits every workload kind whose model meets the policy, and remembers it', async () => {
    for (const kind of WORKLOAD_KINDS) {
      const annotations = {
        'gate.mpg.dev/policy': 'strict',
        ...(kind === 'InferenceService' ? {} : { 'gate.mpg.dev/model': s.model }),
      };
      const answer = await review(kind, annotations, kind === 'InferenceService' ? { storageUri: s.refs.hf } : {});
      assert.equal(answer.allowed, true, `${kind}: ${answer.status?.message}`);
    }
    const opened = await rest('POST', '/v1/incidents', { title: 'audit what was admitted', covers: [{ artifact: s.model }] });
    try {
      const { workloads } = await rest('GET', `/v1/incidents/${opened.incident.id}/workloads`);
      assert.deepEqual(workloads.map((w: { kind: string }) => w.kind).sort(), [...WORKLOAD_KINDS].sort());
      // The same through GraphQL.
      const gql = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query($id: ID!) { incidentWorkloads(id: $id) { kind namespace modelDigest decision } }',
          variables: { id: opened.incident.id },
        }),
      });
      const listed = ((await gql.json()) as any).data.incidentWorkloads as { kind: string; decision: string }[];
      assert.deepEqual(listed.map((w) => w.kind).sort(), [...WORKLOAD_KINDS].sort());
      assert.ok(listed.every((w) => w.decision === 'ALLOW'));
      assert.ok(
        workloads.every(
          (w: { namespace: string; modelDigest: string }) => w.namespace === `gate-${s.salt}` && w.modelDigest === s.model,
        ),
      );
    } finally {
      await rest('POST', `/v1/incidents/${opened.incident.id}/close`, {});
    }
  });

  it('denies under each policy rule, with the reasons and evidence in status.message', async () => {
    const cases: [string, string, string][] = [
      [s.model, 'other-signer', 'SIGNATURE'],
      [s.model, 'other-builder', 'PROVENANCE'],
      [s.model, 'mit-only', 'LICENSE'],
      [s.failing, 'evaluated', 'EVALUATION'],
      [s.model, 'ancient', 'MAX_AGE'],
      [s.bare, 'strict', 'PROVENANCE'],
    ];
    for (const [model, policy, rule] of cases) {
      for (const kind of ['Deployment', 'CronJob'] as const) {
        const answer = await review(kind, { 'gate.mpg.dev/model': model, 'gate.mpg.dev/policy': policy });
        assert.equal(answer.allowed, false, `${policy} ${kind}`);
        assert.equal(answer.status?.code, 403);
        assert.match(answer.status?.message ?? '', new RegExp(`${rule}: `), policy);
        assert.match(answer.status?.message ?? '', new RegExp(`deploy policy ${policy}`));
      }
    }
    const signature = await review('Pod', { 'gate.mpg.dev/model': s.model, 'gate.mpg.dev/policy': 'other-signer' });
    assert.match(signature.status?.message ?? '', new RegExp(`evidence ${s.attestations.modelOms}`));
  });

  it('denies when an ancestor is under an open incident (model, dataset, package range, key); closing restores allow', async () => {
    const covers: [string, unknown][] = [
      ['model', { artifact: s.model }],
      ['dataset', { artifact: s.dataset }],
      ['package range', { package: { purl: s.purlBase, versionRange: '>=2.5.0 <2.6' } }],
      ['key', { key: keyFingerprint(s.vendor) }],
    ];
    for (const [what, cover] of covers) {
      const { incident } = await rest('POST', '/v1/incidents', { title: `compromised ${what}`, covers: [cover] });
      try {
        for (const kind of ['Pod', 'StatefulSet', 'InferenceService'] as const) {
          const answer = await review(kind, kind === 'InferenceService' ? {} : { 'gate.mpg.dev/model': s.model }, {
            storageUri: s.refs.oci,
          });
          assert.equal(answer.allowed, false, `${what} ${kind}`);
          assert.match(answer.status?.message ?? '', /INCIDENT: open incident/, `${what} ${kind}`);
        }
      } finally {
        await rest('POST', `/v1/incidents/${incident.id}/close`, { reason: 'fixed' });
      }
      assert.equal((await review('Pod', { 'gate.mpg.dev/model': s.model })).allowed, true, `${what}: closed`);
    }
  });

  it('resolves KServe storage URIs the graph knows, and denies those it cannot tie to a model', async () => {
    for (const uri of [s.refs.hf, s.refs.hf.replace(/@([0-9a-f]+)$/, ':$1'), s.refs.s3, s.refs.oci]) {
      const answer = await review('InferenceService', {}, { storageUri: uri });
      assert.equal(answer.allowed, true, `${uri}: ${answer.status?.message}`);
    }
    for (const uri of ['hf://gate-org/unpinned', `gs://nowhere-${s.salt}/model`, 'oci://registry.example/gate/tag-only:latest']) {
      const answer = await review('InferenceService', {}, { storageUri: uri });
      assert.equal(answer.allowed, false, uri);
      assert.match(answer.status?.message ?? '', /REFERENCE: /, uri);
    }
  });

  it('answers malformed reviews with a clear error, never a crash', async () => {
    const notJson = await post('/validate', '{"apiVersion":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'BAD_REQUEST');
    const noUid = await post('/validate', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} });
    assert.equal(noUid.status, 400);
    assert.match(noUid.body.error.message, /request\.uid/);
    const wrongVersion = await post('/validate', {
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      request: { uid: 'u-1' },
    });
    assert.equal(wrongVersion.status, 200);
    assert.deepEqual(
      [wrongVersion.body.response.uid, wrongVersion.body.response.allowed, wrongVersion.body.response.status.code],
      ['u-1', false, 400],
    );
    const badObject = admissionReview('Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', annotations: 'not a map' },
    });
    const bad = await post('/validate', badObject);
    assert.equal(bad.body.response.allowed, false);
    assert.match(bad.body.response.status.message, /malformed Deployment/);
    const badUri = await review('InferenceService', {}, { storageUri: 42 as unknown as string });
    assert.equal(badUri.allowed, false);
    // Still serving after all of that.
    assert.equal((await review('Pod', { 'gate.mpg.dev/model': s.model })).allowed, true);
  });

  it('skips what it does not judge: deletes, workloads without a model, exempt namespaces', async () => {
    const del = admissionReview('Pod', workloadObject('Pod', 'p', 'ns', { 'gate.mpg.dev/model': `sha256:${'0'.repeat(64)}` }), {
      operation: 'DELETE',
    });
    assert.equal((await post('/validate', del)).body.response.allowed, true);
    assert.equal((await review('Deployment', {})).allowed, true);
    const system = await review('Pod', { 'gate.mpg.dev/model': `sha256:${'0'.repeat(64)}` }, { namespace: 'kube-system' });
    assert.equal(system.allowed, true);
    const unknownPolicy = await review('Pod', { 'gate.mpg.dev/model': s.model, 'gate.mpg.dev/policy': 'no-such-policy' });
    assert.equal(unknownPolicy.allowed, false);
    assert.match(unknownPolicy.status?.message ?? '', /no deploy policy named no-such-policy/);
  });

  it('mutating webhook: injects an init container that verifies the files and asks for a decision', async () => {
    // A real signed model folder, as a pod would mount it, and the ModelValidation naming it.
    const modelDir = path.join(work, 'model');
    await mkdir(modelDir, { recursive: true });
    for (const [name, content] of Object.entries(s.files)) await writeFile(path.join(modelDir, name), content);
    await writeFile(path.join(modelDir, 'model.sig'), s.modelBundle);
    const keyFile = path.join(work, 'team.pub');
    await writeFile(keyFile, s.team.publicKeyPem);
    const validation = {
      apiVersion: 'ml.sigstore.dev/v1alpha1',
      kind: 'ModelValidation',
      metadata: { name: 'demo', namespace: `gate-${s.salt}` },
      spec: {
        config: { privateKeyConfig: { keyPath: keyFile } },
        model: { path: modelDir, signaturePath: path.join(modelDir, 'model.sig') },
      },
    };
    const validationsFile = path.join(work, 'modelvalidations.json');
    await writeFile(validationsFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [validation] }));

    const pod = workloadObject(
      'Pod',
      'served',
      `gate-${s.salt}`,
      { 'gate.mpg.dev/policy': 'strict' },
      { labels: { 'validation.ml.sigstore.dev/ml': 'demo' } },
    );
    const { body } = await post('/mutate', admissionReview('Pod', pod));
    assert.equal(body.response.allowed, true);
    assert.equal(body.response.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(body.response.patch, 'base64').toString()) as Operation[];
    const patched = applyPatch(pod, patch) as any;
    const init = patched.spec.initContainers[0];
    assert.equal(init.name, 'mpg-model-gate');
    assert.deepEqual(patched.spec.containers, (pod as any).spec.containers);
    assert.deepEqual(init.volumeMounts, [{ name: 'model', mountPath: '/models/current', readOnly: true }]);

    const runInit = (): Promise<{ code: number; out: string }> =>
      new Promise((resolve) => {
        const env = Object.fromEntries((init.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
        execFile(
          init.command[0],
          init.command.slice(1),
          { env: { PATH: process.env['PATH'], ...env }, timeout: 60_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout + stderr }),
        );
      });
    const good = await runInit();
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, new RegExp(`verified by key: .*root ${s.model}`));
    assert.match(good.out, /^ALLOW/m);

    // Clean files, lineage under an incident: the decision stops the pod (exit 3).
    const { incident } = await rest('POST', '/v1/incidents', { title: 'poisoned data', covers: [{ artifact: s.dataset }] });
    const compromised = await runInit();
    await rest('POST', `/v1/incidents/${incident.id}/close`, {});
    assert.equal(compromised.code, 3, compromised.out);
    assert.match(compromised.out, /^DENY/m);

    // A tampered file: the verifier stops the pod before any decision.
    await writeFile(path.join(modelDir, 'model.safetensors'), 'tampered weights');
    const tampered = await runInit();
    assert.notEqual(tampered.code, 0);
    assert.match(tampered.out, /rejected /);

    // Unlabelled pods are left alone; a label naming no ModelValidation is refused.
    const plain = await post('/mutate', admissionReview('Pod', workloadObject('Pod', 'plain', 'x', {})));
    assert.deepEqual([plain.body.response.allowed, plain.body.response.patch], [true, undefined]);
    const missing = workloadObject('Pod', 'm', `gate-${s.salt}`, {}, { labels: { 'validation.ml.sigstore.dev/ml': 'absent' } });
    const refused = await post('/mutate', admissionReview('Pod', missing));
    assert.equal(refused.body.response.allowed, false);
    assert.match(refused.body.response.status.message, /no ModelValidation/);
  });
});

// The deploy-policy file (docs/DEPLOY-GATE.md, "Deploy policies") and model references ("Model references"): parsed
// once, unknown members refused, every bad member named; mutable references refused by name.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DeployPolicyStore, GateError, parseDeployPolicies } from '../../../src/gate/index.ts';
import { parseModelReference } from '../../../src/gate/decision/reference.ts';

const code = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof GateError, String(error));
    return error.code;
  }
  return 'NO ERROR';
};

describe('deploy policies', () => {
  it('parses every rule', () => {
    const policies = parseDeployPolicies(
      JSON.stringify({
        version: 1,
        policies: {
          prod: {
            signature: {
              signers: [{ key: 'a'.repeat(64) }, { identity: { issuer: 'https://i', subjectPattern: '.*@acme.com' } }],
            },
            provenance: { builders: ['https://b'] },
            licenses: ['MIT'],
            evaluations: { datasets: [`sha256:${'b'.repeat(64)}`] },
            maxAgeDays: 30,
            upstreamDepth: 12,
          },
          lab: {},
        },
      }),
    );
    assert.deepEqual(policies.names, ['lab', 'prod']);
    assert.equal(policies.get('prod')?.maxAgeDays, 30);
    assert.equal(policies.get('nope'), undefined);
  });

  it('refuses unknown members, bad values and a missing version, naming each', () => {
    const bad =
      (policies: unknown, extra: Record<string, unknown> = {}) =>
      () =>
        parseDeployPolicies(JSON.stringify({ version: 1, policies, ...extra }));
    assert.equal(code(bad({ p: { signatur: {} } })), 'POLICY_INVALID');
    assert.equal(code(bad({ p: { signature: { signers: [{ key: 'short' }] } } })), 'POLICY_INVALID');
    assert.equal(code(bad({ p: { signature: { signers: [{ identity: { issuer: 'i' } }] } } })), 'POLICY_INVALID');
    assert.equal(code(bad({ p: { upstreamDepth: 21 } })), 'POLICY_INVALID');
    assert.equal(code(bad({}, { extra: true })), 'POLICY_INVALID');
    assert.equal(
      code(() => parseDeployPolicies('{"policies": {}}')),
      'POLICY_INVALID',
    );
    assert.equal(
      code(() => parseDeployPolicies('not json')),
      'POLICY_INVALID',
    );
    try {
      bad({ p: { signatur: {}, licenses: [] } })();
    } catch (error) {
      assert.match((error as Error).message, /policies\.p.*signatur/);
      assert.match((error as Error).message, /policies\.p\.licenses/);
    }
  });

  it('follows its file, and fails closed after a bad edit', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'mpg-deploy-policy-')), 'deploy-policy.json');
    await writeFile(file, JSON.stringify({ version: 1, policies: { a: {} } }));
    const store = new DeployPolicyStore(file);
    assert.deepEqual(store.current().names, ['a']);
    await writeFile(file, JSON.stringify({ version: 1, policies: { a: {}, b: {} } }));
    assert.deepEqual(store.current().names, ['a', 'b']);
    await writeFile(file, JSON.stringify({ version: 1, policies: { a: { nope: 1 } } }));
    assert.equal(
      code(() => store.current()),
      'POLICY_INVALID',
    );
    assert.equal(
      code(() => new DeployPolicyStore(`${file}.missing`).current()),
      'POLICY_UNREADABLE',
    );
  });
});

describe('model references', () => {
  it('turns each kind of reference into digests and names', () => {
    const d = `sha256:${'c'.repeat(64)}`;
    assert.deepEqual(parseModelReference(d), { text: d, digests: [d], names: [] });
    assert.deepEqual(parseModelReference(`oci://r.example/m@${d}`).digests, [d]);
    assert.deepEqual(parseModelReference('hf://org/name:abc123').names, [
      'pkg:huggingface/org/name@abc123',
      'hf://org/name@abc123',
      'hf://org/name:abc123',
    ]);
    assert.deepEqual(parseModelReference('s3://bucket/model').names, ['s3://bucket/model']);
    assert.deepEqual(parseModelReference('pkg:huggingface/org/name@abc').names, ['pkg:huggingface/org/name@abc']);
  });

  it('refuses mutable and unknown forms', () => {
    assert.equal(
      code(() => parseModelReference('hf://org/name')),
      'INVALID_INPUT',
    );
    assert.equal(
      code(() => parseModelReference('oci://r.example/m:latest')),
      'INVALID_INPUT',
    );
    assert.equal(
      code(() => parseModelReference('just-a-name')),
      'INVALID_INPUT',
    );
    assert.equal(
      code(() => parseModelReference('')),
      'INVALID_INPUT',
    );
  });
});

// A small signed lineage for the deploy-time gate's tests (docs/DEPLOY-GATE.md), fresh every run (salted names and
// file contents, its own keys), ingested through the real service:
//
//   model ──DERIVED_FROM──► base (signed by `vendor`)      model: OMS (team), SLSA provenance (team, builder),
//     ├──TRAINED_ON──► dataset (signed by team)                   model card (license apache-2.0), PASSED evaluation
//     └──BUILT_WITH──► pkg:pypi/<salted>@2.5.1
//   bare:   OMS-signed by team, nothing else                       failing: FAILED evaluation, license gpl-3.0
//   image:  an OCI modelcar image packaged from the model (provenance by team, DERIVED_FROM the model)
// The model's signature names it hf://gate-org/gate-model-<salt>@<rev>, the bare model's s3://gate-<salt>/bare: the
// references a KServe InferenceService would give.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { CYCLONEDX, newSigner, omsStatement, provenance, signBundle, statement, TEST_RESULT, type Signer } from './attest.ts';
import { waitForSubmission } from './service.ts';

export const keyFingerprint = (signer: Signer): string =>
  createHash('sha256')
    .update(createPublicKey(signer.privateKey).export({ type: 'spki', format: 'der' }))
    .digest('hex');

export interface GateScenario {
  readonly salt: string;
  readonly team: Signer;
  readonly vendor: Signer;
  readonly builder: string;
  readonly purlBase: string;
  readonly model: string;
  readonly base: string;
  readonly dataset: string;
  readonly evalDataset: string;
  readonly bare: string;
  readonly failing: string;
  readonly image: string;
  /** references the graph knows for the model, the bare model and the image. */
  readonly refs: { readonly hf: string; readonly s3: string; readonly oci: string };
  /** the model's OMS signature bundle (JSON text), for a model folder on disk. */
  readonly modelBundle: string;
  /** the attestation digests by what they are. */
  readonly attestations: Record<'modelOms' | 'provenance' | 'card' | 'evaluation' | 'baseOms', string>;
  /** model files (path → content), signed in the model's OMS signature. */
  readonly files: Record<string, string>;
}

const sha = (hex: string): string => `sha256:${hex}`;

/** Submits `body` and waits until it is verified; returns the attestation digest. */
async function submit(url: string, body: string, token?: string): Promise<string> {
  const response = await fetch(`${url}/v1/attestations`, {
    method: 'POST',
    body,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  assert.equal(response.status, 202, await response.clone().text());
  const { id } = (await response.json()) as { id: string };
  const done = await waitForSubmission(url, id, 60_000, token);
  assert.equal(done['state'], 'VERIFIED', JSON.stringify(done));
  return id;
}

export function gateSigners(): { team: Signer; vendor: Signer } {
  return { team: newSigner(), vendor: newSigner() };
}

export async function buildGateScenario(
  url: string,
  signers: { team: Signer; vendor: Signer },
  token?: string,
): Promise<GateScenario> {
  const salt = randomUUID().slice(0, 8);
  const { team, vendor } = signers;
  const builder = `https://ml.example.com/builders/trainer-${salt}`;
  const purlBase = `pkg:pypi/gate-torch-${salt}`;
  const files = { 'config.json': `{"salt":"${salt}"}`, 'model.safetensors': `weights ${salt}` };
  const hf = `hf://gate-org/gate-model-${salt}@${createHash('sha1').update(salt).digest('hex')}`;
  const s3 = `s3://gate-${salt}/bare`;
  const model = omsStatement(hf, files);
  const base = omsStatement(`gate-base-${salt}`, { 'base.bin': `base ${salt}` });
  const dataset = omsStatement(`gate-data-${salt}`, { 'train.jsonl': `data ${salt}` });
  const evalData = omsStatement(`gate-eval-${salt}`, { 'eval.jsonl': `eval ${salt}` });
  const bare = omsStatement(s3, { 'bare.bin': `bare ${salt}` });
  const imageHex = createHash('sha256').update(`image ${salt}`).digest('hex');
  const modelBundle = signBundle(model.doc, team);
  const failing = omsStatement(`gate-failing-${salt}`, { 'failing.bin': `failing ${salt}` });

  const card = (root: string, license: string) =>
    statement(CYCLONEDX, [{ name: 'model', digest: { sha256: root } }], {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      metadata: {
        component: {
          type: 'machine-learning-model',
          hashes: [{ alg: 'SHA-256', content: root }],
          licenses: [{ license: { id: license } }],
        },
      },
    });
  const evaluation = (root: string, result: string) =>
    statement(TEST_RESULT, [{ name: 'model', digest: { sha256: root } }], {
      result,
      configuration: [{ name: `eval-${salt}`, digest: { sha256: evalData.root } }],
    });

  const attestations = {
    baseOms: await submit(url, signBundle(base.doc, vendor), token),
    modelOms: await submit(url, modelBundle, token),
    provenance: await submit(
      url,
      signBundle(
        provenance({
          subjects: [{ name: `gate-model-${salt}`, digest: { sha256: model.root } }],
          dependencies: [
            { name: `gate-base-${salt}`, digest: { sha256: base.root }, annotations: { role: 'base-model' } },
            { name: `gate-data-${salt}`, digest: { sha256: dataset.root }, annotations: { role: 'dataset' } },
            { uri: `${purlBase}@2.5.1`, digest: { sha256: createHash('sha256').update(salt).digest('hex') } },
          ],
          runKind: 'fine-tune',
          invocationId: `run-${salt}`,
          builder,
        }),
        team,
      ),
      token,
    ),
    card: await submit(url, signBundle(card(model.root, 'Apache-2.0'), team), token),
    evaluation: await submit(url, signBundle(evaluation(model.root, 'PASSED'), team), token),
  };
  await submit(
    url,
    signBundle(
      provenance({
        subjects: [{ name: `oci://registry.example/gate/${salt}`, digest: { sha256: imageHex } }],
        dependencies: [{ name: hf, digest: { sha256: model.root }, annotations: { role: 'base-model' } }],
        runKind: 'conversion',
        invocationId: `package-${salt}`,
        builder: `${builder}/packager`,
      }),
      team,
    ),
    token,
  );
  await submit(url, signBundle(dataset.doc, team), token);
  await submit(url, signBundle(bare.doc, team), token);
  await submit(url, signBundle(failing.doc, team), token);
  await submit(url, signBundle(card(failing.root, 'GPL-3.0-only'), team), token);
  await submit(url, signBundle(evaluation(failing.root, 'FAILED'), team), token);
  return {
    salt,
    team,
    vendor,
    builder,
    purlBase,
    model: sha(model.root),
    base: sha(base.root),
    dataset: sha(dataset.root),
    evalDataset: sha(evalData.root),
    bare: sha(bare.root),
    failing: sha(failing.root),
    image: sha(imageHex),
    refs: { hf, s3, oci: `oci://registry.example/gate/${salt}@sha256:${imageHex}` },
    modelBundle,
    attestations,
    files,
  };
}

/** A deploy-policy file for the scenario: `strict` asks for everything the model has, the others each break one rule. */
export function gatePolicies(s: GateScenario): Record<string, unknown> {
  const strict = {
    signature: { signers: [{ key: keyFingerprint(s.team) }] },
    provenance: { builders: [s.builder] },
    licenses: ['apache-2.0'],
    evaluations: { datasets: [s.evalDataset] },
    maxAgeDays: 30,
  };
  return {
    version: 1,
    policies: {
      strict,
      basic: {},
      'other-signer': { signature: { signers: [{ key: keyFingerprint(s.vendor) }] } },
      'other-builder': { provenance: { builders: ['https://ml.example.com/builders/elsewhere'] } },
      'mit-only': { licenses: ['MIT'] },
      evaluated: { evaluations: {} },
      ancient: { maxAgeDays: 0.000001 },
    },
  };
}

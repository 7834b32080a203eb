// A lineage whose every provenance names the model's files (GitHub attestation shape, test/support/file-lineage.ts),
// through the API on the real Neo4j and Redis, twice: once with the OMS signatures submitted before the provenance,
// once after. Either way the provenance's facts sit on the models and datasets the signatures make of those files,
// and modelsTrainedOn, lineage, incidentTrace (by model, package and key) and the three AI-BOMs name exactly the
// expected models and datasets; no file is ever reported as a model or dataset (docs/LINEAGE.md).
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { fileLineage, type ArtifactName, type FileLineage } from '../support/file-lineage.ts';
import { writeFile } from 'node:fs/promises';
import { policyFor, type Signer } from '../support/attest.ts';
import { graphql, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';

const fingerprint = (pem: string): string =>
  createHash('sha256')
    .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
    .digest('hex');

async function submit(url: string, body: string): Promise<string> {
  const response = await fetch(`${url}/v1/attestations`, { method: 'POST', body });
  const { id } = (await response.json()) as { id: string };
  return String((await waitForSubmission(url, id, 60_000))['state']);
}

interface Reported {
  readonly kind: string;
  readonly key: string;
}

async function query(url: string, text: string, variables: Record<string, unknown>): Promise<any> {
  const { data, errors } = await graphql(url, text, variables);
  assert.equal(errors, undefined, JSON.stringify(errors));
  return data;
}

const AFFECTED = `affected { edges { node { node { kind key } } } }`;

describe('provenance that names the files of models and datasets', () => {
  let service: RunningService;
  let policyFile: string;
  const lineages: Record<'signaturesFirst' | 'signaturesLast', FileLineage> = {
    signaturesFirst: fileLineage(),
    signaturesLast: fileLineage(),
  };

  before(async () => {
    const all = Object.values(lineages);
    policyFile = await writeTrustPolicy(policyFor(...all.flatMap((l) => [l.hub, l.pipeline])));
    service = await startTestService({ TRUST_POLICY_FILE: policyFile });
    for (const [order, lineage] of Object.entries(lineages)) {
      const oms = lineage.documents.filter((d) => d.name.endsWith('.oms'));
      const rest = lineage.documents.filter((d) => !d.name.endsWith('.oms'));
      for (const document of order === 'signaturesFirst' ? [...oms, ...rest] : [...rest, ...oms]) {
        assert.equal(await submit(service.url, document.body), document.trusted ? 'VERIFIED' : 'REJECTED', document.name);
      }
    }
  });
  after(async () => {
    await service?.close();
  });

  for (const [order, lineage] of Object.entries(lineages)) {
    const { roots } = lineage;
    const names = new Map(Object.entries(roots).map(([name, digest]) => [digest, name]));
    const files = new Set(lineage.files);
    /** The models and datasets among reported nodes, by scenario name; fails on a file reported as either. */
    const byKind = (nodes: readonly Reported[]): { models: string[]; datasets: string[] } => {
      for (const node of nodes) {
        if (files.has(node.key)) assert.equal(node.kind, 'FILE', `file ${node.key} reported as ${node.kind}`);
      }
      const pick = (kind: string) =>
        [...new Set(nodes.filter((n) => n.kind === kind).map((n) => names.get(n.key) ?? `unexpected ${n.key}`))].sort();
      return { models: pick('MODEL'), datasets: pick('DATASET') };
    };
    const trace = async (compromised: Record<string, unknown>) => {
      const data = await query(
        service.url,
        `query ($c: CompromisedInput!) { incidentTrace(compromised: $c, first: 500) { ${AFFECTED} } }`,
        { c: compromised },
      );
      return byKind(data.incidentTrace.affected.edges.map((e: any) => e.node.node));
    };
    const models = (...list: ArtifactName[]) => [...list].sort();

    describe(order === 'signaturesFirst' ? 'signatures before provenance' : 'signatures after provenance', () => {
      it('gives every model and dataset its kind, and every file FILE', async () => {
        const nodes: Reported[] = [];
        for (const digest of [...Object.values(roots), ...lineage.files]) {
          const data = await query(
            service.url,
            'query ($d: String!) { lineage(digest: $d, maxDepth: 1) { root { kind key } } }',
            {
              d: digest,
            },
          );
          nodes.push(data.lineage.root);
        }
        assert.deepEqual(byKind(nodes), { models: models(...lineage.models), datasets: models(...lineage.datasets) });
      });

      it('answers modelsTrainedOn with models only, through derived datasets and fine-tunes', async () => {
        const trained = async (dataset: ArtifactName) => {
          const data = await query(
            service.url,
            'query ($d: String!) { modelsTrainedOn(dataset: $d, first: 500) { edges { node { node { kind key } } } } }',
            { d: roots[dataset] },
          );
          return byKind(data.modelsTrainedOn.edges.map((e: any) => e.node.node));
        };
        const fromClean = models('base', 'chat', 'code', 'chatQ4', 'small', 'onnx');
        assert.deepEqual(await trained('clean'), { models: fromClean, datasets: [] });
        assert.deepEqual(await trained('raw'), { models: fromClean, datasets: [] });
        assert.deepEqual(await trained('codeData'), { models: models('code', 'onnx'), datasets: [] });
      });

      it('answers lineage with the models and datasets upstream and downstream, each edge typed by its run', async () => {
        const data = await query(
          service.url,
          `query ($d: String!) { lineage(digest: $d, direction: BOTH, maxDepth: 5) {
             nodes { kind key } edges { type how from { key } to { key } } } }`,
          { d: roots.chat },
        );
        assert.deepEqual(byKind(data.lineage.nodes), {
          models: models('chat', 'base', 'chatQ4', 'small'),
          datasets: models('clean', 'raw'),
        });
        const edge = (type: string, from: ArtifactName, to: ArtifactName) =>
          data.lineage.edges.find((e: any) => e.type === type && e.from.key === roots[from] && e.to.key === roots[to]);
        assert.equal(edge('DERIVED_FROM', 'chat', 'base')?.how, 'fine-tune');
        assert.equal(edge('DERIVED_FROM', 'chatQ4', 'chat')?.how, 'quantization');
        assert.equal(edge('DERIVED_FROM', 'small', 'chat')?.how, 'distillation');
        assert.equal(edge('DERIVED_FROM', 'clean', 'raw')?.how, 'unknown');
        assert.ok(edge('TRAINED_ON', 'chat', 'clean'));
        assert.ok(edge('EVALUATED_ON', 'chat', 'clean'));
      });

      it('traces an incident from a model, a package and a key to exactly the affected models and datasets', async () => {
        assert.deepEqual(await trace({ artifact: roots.base }), {
          models: models('chat', 'code', 'chatQ4', 'small', 'onnx'),
          datasets: [],
        });
        assert.deepEqual(await trace({ package: { purl: lineage.torch } }), {
          models: models('base', 'chat', 'code', 'chatQ4', 'small', 'onnx'),
          datasets: [],
        });
        // the pipeline key signed every provenance: all it produced, the preprocessed dataset among them
        assert.deepEqual(await trace({ key: fingerprint(lineage.pipeline.publicKeyPem) }), {
          models: models('base', 'chat', 'code', 'chatQ4', 'small', 'onnx'),
          datasets: ['clean'],
        });
        // the untrusted key's provenance linked nothing
        assert.deepEqual(await trace({ key: fingerprint(lineage.attacker.publicKeyPem) }), { models: [], datasets: [] });
      });

      it('starts lineage, incidentTrace and search from the names people use, joined to the artifact they name', async () => {
        // the chat fine-tune named its base only by Hugging Face repository; another document bound that name to the
        // base model's OMS root, so the fine-tune's edge is on the base model itself
        // (the model the name names is affected too)
        assert.deepEqual(await trace({ artifact: lineage.baseName }), {
          models: models('base', 'chat', 'code', 'chatQ4', 'small', 'onnx'),
          datasets: [],
        });
        const data = await query(
          service.url,
          `query ($d: String!, $t: String!) {
             lineage(digest: $d, direction: UPSTREAM, maxDepth: 1) { edges { type how to { key kind } } }
             search(text: $t) { edges { node { match node { key } } } } }`,
          { d: roots.chat, t: lineage.baseName },
        );
        const derived = data.lineage.edges.filter((e: any) => e.type === 'DERIVED_FROM');
        assert.deepEqual(
          derived.map((e: any) => [e.to.key, e.how]),
          [[roots.base, 'fine-tune']],
        );
        assert.ok(data.lineage.edges.some((e: any) => e.type === 'USED' && e.to.key === lineage.source));
        assert.ok(data.search.edges.some((e: any) => e.node.node?.key === lineage.baseName));
        // the source repository at its commit is a node the trace starts from: everything built from it
        const fromSource = await trace({ artifact: lineage.source });
        assert.deepEqual(fromSource.models, models('base', 'chat', 'code', 'chatQ4', 'small', 'onnx'));
      });

      if (order === 'signaturesLast') {
        it('moves the facts back to the files when the manifest is revoked, and to the model again when trusted again', async () => {
          const chatOms = lineage.documents.find((d) => d.name === 'chat.oms');
          assert.ok(chatOms);
          const upstream = async () => {
            const data = await query(
              service.url,
              `query ($d: String!) { lineage(digest: $d, direction: UPSTREAM, maxDepth: 1) { root { kind } edges { type to { key } } } }`,
              { d: roots.chat },
            );
            return {
              kind: data.lineage.root.kind,
              derived: data.lineage.edges.filter((e: any) => e.type === 'DERIVED_FROM').map((e: any) => e.to.key),
            };
          };
          const setPolicy = async (signers: Signer[]) => {
            await writeFile(policyFile, JSON.stringify(policyFor(...signers)));
            await new Promise((resolve) => setTimeout(resolve, 1100));
          };
          const others = Object.values(lineages).filter((l) => l !== lineage);
          const everyone = [...others.flatMap((l) => [l.hub, l.pipeline]), lineage.pipeline];
          // the hub key revoked: chat's OMS signature no longer verifies, so its files make up no model
          await setPolicy(everyone);
          assert.equal(await submit(service.url, chatOms.body), 'REJECTED');
          assert.deepEqual(await upstream(), { kind: 'ARTIFACT', derived: [] });
          const trained = await query(
            service.url,
            'query ($d: String!) { modelsTrainedOn(dataset: $d, first: 500) { edges { node { node { kind key } } } } }',
            { d: roots.clean },
          );
          const reported = byKind(trained.modelsTrainedOn.edges.map((e: any) => e.node.node));
          assert.ok(!reported.models.includes('chat'), 'chat is no model without its signature');
          // trusted again: the same facts are on the model again
          await setPolicy([...everyone, lineage.hub]);
          assert.equal(await submit(service.url, chatOms.body), 'VERIFIED');
          assert.deepEqual(await upstream(), { kind: 'MODEL', derived: [roots.base] });
        });
      }

      it('lists exactly the models and datasets in the CycloneDX 1.6, 1.7 and SPDX 3 AI-BOMs', async () => {
        for (const format of ['CYCLONEDX_1_6', 'CYCLONEDX_1_7', 'SPDX_3_0_1']) {
          const data = await query(service.url, 'query ($d: String!, $f: BomFormat) { aiBom(digest: $d, format: $f) }', {
            d: roots.chat,
            f: format,
          });
          const found: Reported[] = [];
          const walk = (value: unknown): void => {
            if (Array.isArray(value)) return value.forEach(walk);
            if (!value || typeof value !== 'object') return;
            const o = value as Record<string, any>;
            if (o['type'] === 'machine-learning-model' || o['type'] === 'ai_AIPackage')
              found.push({ kind: 'MODEL', key: keyOf(o) });
            // a data component only the run used (its source, as code) is not a dataset
            const roles: string[] = (o['properties'] ?? []).filter((p: any) => p.name === 'mpg:role').map((p: any) => p.value);
            const used = roles.length > 0 && roles.every((r) => ['code', 'config', 'input'].includes(r));
            if ((o['type'] === 'data' && !used) || o['type'] === 'dataset_DatasetPackage') {
              found.push({ kind: 'DATASET', key: keyOf(o) });
            }
            Object.values(o).forEach(walk);
          };
          walk(data.aiBom);
          assert.deepEqual(byKind(found), { models: models('chat', 'base'), datasets: ['clean'] }, format);
        }
      });
    });
  }
});

/** The digest a BOM component names: its CycloneDX hash or SPDX verifiedUsing value. */
function keyOf(component: Record<string, any>): string {
  const cyclone = component['hashes']?.[0];
  if (cyclone) return `sha256:${cyclone.content}`;
  const spdx = component['verifiedUsing']?.[0];
  return spdx ? `sha256:${spdx.hashValue}` : `no hash ${JSON.stringify(component).slice(0, 80)}`;
}

// A lineage corpus of real signed documents for load, crash and outage tests and the ingest benchmark:
// models signed with OMS (Sigstore bundles) and SLSA Provenance v1 (bare DSSE envelopes) that links them
// — each model fine-tuned from the previous one in its chain, trained on a shared dataset, built with a
// shared framework on one builder — so the graph gets edges, shared nodes and evidence from several
// attestations. Every run gets fresh digests from its `tag`, so corpora never collide in a shared graph.
// Also knows exactly what the graph must hold afterwards (`expectedEdges`), for audit.ts.
import { createHash } from 'node:crypto';
import { newSigner, omsStatement, provenance, signBundle, signEnvelope, type Signer } from './attest.ts';

export interface CorpusDocument {
  /** submission id: `sha256:` of the bytes. */
  readonly id: string;
  readonly bytes: Buffer;
  readonly kind: 'oms' | 'provenance';
}

/** One edge the graph must hold: `from -[type]-> to` with exactly these evidence digests (sorted), or none for ATTESTS. */
export interface ExpectedEdge {
  readonly from: string;
  readonly type: string;
  readonly to: string;
  readonly evidence: readonly string[];
}

export interface Corpus {
  readonly tag: string;
  readonly documents: readonly CorpusDocument[];
  readonly signers: readonly Signer[];
  /** OMS root digests of the models, `sha256:…`. */
  readonly models: readonly string[];
  /** the edges leaving each model and each run, and the ATTESTS edges into each model. */
  readonly expectedEdges: readonly ExpectedEdge[];
}

export interface CorpusOptions {
  /** models; each gives one OMS signature and `1 + cosigned` provenance documents. */
  readonly models: number;
  /** unique per run: every digest and run id derives from it. */
  readonly tag: string;
  /** models per fine-tune chain (default 10). */
  readonly chain?: number;
  /**
   * Also sign each provenance with a second key (different bytes, same facts): every lineage edge then
   * needs the evidence of two attestations, which concurrent workers must both keep.
   */
  readonly cosigned?: boolean;
  /** default: two fresh P-256 keys. */
  readonly signers?: readonly Signer[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const document = (text: string, kind: CorpusDocument['kind']): CorpusDocument => {
  const bytes = Buffer.from(text);
  return { id: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, kind };
};

export const CORPUS_FRAMEWORK = 'pkg:pypi/torch@2.5.1';
export const CORPUS_BUILDER = 'https://ml.example.com/builders/trainer';
const DATASETS = 7;

export function lineageCorpus(options: CorpusOptions): Corpus {
  const { tag } = options;
  const chain = options.chain ?? 10;
  const signers = options.signers ?? [newSigner(), newSigner()];
  const [first, second] = signers;
  if (!first || (options.cosigned && !second)) throw new Error('lineageCorpus needs two signers to cosign');
  const datasets = Array.from({ length: DATASETS }, (_, j) => sha256(`${tag}/dataset/${j}`));
  const documents: CorpusDocument[] = [];
  const models: string[] = [];
  const expectedEdges: ExpectedEdge[] = [];

  for (let k = 0; k < options.models; k++) {
    const name = `${tag}/model-${k}`;
    const files = { 'config.json': JSON.stringify({ tag, model: k }), 'model.safetensors': `${tag}/weights/${k}` };
    const { doc: oms, root } = omsStatement(name, files);
    const signer = signers[k % signers.length] ?? first;
    const signature = document(signBundle(oms, signer), 'oms');
    documents.push(signature);

    const base = k % chain === 0 ? undefined : models[k - 1];
    const dataset = datasets[k % DATASETS] ?? '';
    const run = `${tag}/run-${k}`;
    const statement = provenance({
      subjects: [{ name, digest: { sha256: root }, annotations: { role: 'model' } }],
      dependencies: [
        ...(base
          ? [{ name: 'base', digest: { sha256: base.slice('sha256:'.length) }, annotations: { role: 'base-model' } }]
          : []),
        { name: `dataset-${k % DATASETS}`, digest: { sha256: dataset }, annotations: { role: 'dataset' } },
        { uri: CORPUS_FRAMEWORK },
      ],
      runKind: base ? 'fine-tune' : 'training',
      invocationId: run,
      builder: CORPUS_BUILDER,
      parameters: { learningRate: 0.0001, epochs: 1 + (k % 3) },
    });
    const provenances = [document(signEnvelope(statement, signer), 'provenance')];
    if (options.cosigned) provenances.push(document(signEnvelope(statement, signer === first ? second! : first), 'provenance'));
    documents.push(...provenances);

    const model = `sha256:${root}`;
    models.push(model);
    const lineageEvidence = provenances.map((p) => p.id).sort();
    for (const [path, content] of Object.entries(files)) {
      expectedEdges.push({ from: model, type: `CONTAINS ${path}`, to: `sha256:${sha256(content)}`, evidence: [signature.id] });
    }
    expectedEdges.push({ from: model, type: 'PRODUCED_BY', to: run, evidence: lineageEvidence });
    expectedEdges.push({ from: run, type: 'RAN_ON', to: CORPUS_BUILDER, evidence: lineageEvidence });
    if (base) expectedEdges.push({ from: model, type: 'DERIVED_FROM', to: base, evidence: lineageEvidence });
    expectedEdges.push({ from: model, type: 'TRAINED_ON', to: `sha256:${dataset}`, evidence: lineageEvidence });
    expectedEdges.push({ from: model, type: 'BUILT_WITH', to: CORPUS_FRAMEWORK, evidence: lineageEvidence });
    for (const attestation of [signature, ...provenances]) {
      expectedEdges.push({ from: attestation.id, type: 'ATTESTS', to: model, evidence: [] });
    }
  }
  return { tag, documents, signers, models, expectedEdges };
}

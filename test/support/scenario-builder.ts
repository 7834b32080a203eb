// The vocabulary of a lineage scenario (test/support/scenario.ts): the expected graph's shape and a
// builder that signs each document and records, next to it, the nodes and edges it must produce.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { omsStatement, sha256, signBundle, signEnvelope, signerFromKey, type ResourceDescriptor, type Signer } from './attest.ts';

export type SignerName = 'hub' | 'pipeline' | 'attacker';
export type ScenarioKeys = Readonly<Record<SignerName, Signer>>;
export type NodeLabel = 'Artifact' | 'Package' | 'PipelineRun' | 'Builder' | 'Key';

/**
 * A node the graph must hold: found by `label {key: value}`, with exactly `labels`, at least `properties`,
 * and list properties holding at least the values in `includes`.
 */
export interface ExpectedNode {
  id: string;
  label: NodeLabel;
  key: string;
  value: string;
  labels: string[];
  properties: Record<string, string | boolean>;
  includes?: Record<string, string[]>;
}

/** An edge the graph must hold exactly once, with evidence = the digests of the documents in `assertedBy`. */
export interface ExpectedEdge {
  type: string;
  from: string;
  to: string;
  props: Record<string, string>;
  assertedBy: string[];
}

export interface ExpectedDocument {
  name: string;
  file: string;
  format: 'bundle' | 'envelope';
  signer: SignerName;
  predicateType: string;
  /** `sha256:<hex>` of the document's bytes: the attestation's identity and the evidence it leaves. */
  digest: string;
  state: 'VERIFIED' | 'REJECTED';
  reasonCode: string | null;
  /** node ids the attestation ATTESTS (none when rejected). */
  attests: string[];
  /** the Key node id it is SIGNED_BY (null when rejected). */
  signedBy: string | null;
  /** a card's DESCRIBES edges (none when rejected or not a card), each with exactly these properties. */
  describes: ExpectedCard[];
}

/** What a card says of one artifact: its `(Attestation)-[:DESCRIBES {own, …fields}]->(node)` edge. */
export interface ExpectedCard {
  node: string;
  props: Record<string, string | boolean>;
}

export interface NodeMatch {
  label: NodeLabel;
  key: string;
  value: string;
}

/** What only a rejected document claims: it must not be in the graph. */
export interface AbsentFact {
  claimedBy: string;
  node?: NodeMatch;
  edge?: { type: string; from: NodeMatch; to: NodeMatch };
}

export interface Expected {
  documents: ExpectedDocument[];
  nodes: ExpectedNode[];
  edges: ExpectedEdge[];
  absent: AbsentFact[];
}

export interface Scenario {
  readonly expected: Expected;
  /** document name → the exact bytes to submit. */
  readonly bodies: ReadonlyMap<string, string>;
}

export function signerFromPem(privateKeyPem: string): Signer {
  const privateKey = createPrivateKey(privateKeyPem);
  return signerFromKey(privateKey, createPublicKey(privateKey));
}

/** SHA-256 of the DER SubjectPublicKeyInfo: the `Key {fingerprint}` the verifier reports. */
export function keyFingerprint(signer: Signer): string {
  return sha256(createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' }));
}

/**
 * Helpers that build one scenario. `salt` ('' for the committed fixtures) changes every file content,
 * every digest made by `hex` and every run id, so a salted scenario has identities of its own.
 */
export function scenarioBuilder(keys: ScenarioKeys, salt: string) {
  const nodes = new Map<string, ExpectedNode>();
  const edges = new Map<string, ExpectedEdge>();
  const documents: ExpectedDocument[] = [];
  const absent: AbsentFact[] = [];
  const bodies = new Map<string, string>();
  const s = (text: string): string => (salt ? `${text}\n# scenario ${salt}` : text);
  const hex = (label: string): string => sha256(s(label));
  const runId = (id: string): string => (salt ? `${id}+${salt}` : id);

  const node = (n: Omit<ExpectedNode, 'properties'> & { properties?: ExpectedNode['properties'] }): string => {
    const known = nodes.get(n.id);
    if (known && known.value !== n.value) throw new Error(`node id ${n.id} reused for ${n.value}`);
    nodes.set(n.id, { ...n, properties: { ...known?.properties, ...n.properties } });
    return n.id;
  };
  const artifact = (id: string, digest: string, labels: string[], properties: ExpectedNode['properties'] = {}): string =>
    node({ id, label: 'Artifact', key: 'digest', value: `sha256:${digest}`, labels: ['Artifact', ...labels].sort(), properties });
  const edge = (type: string, from: string, to: string, props: Record<string, string>, doc: string): void => {
    const id = `${type}|${from}|${to}|${props['path'] ?? ''}`;
    const known = edges.get(id);
    if (known && JSON.stringify(known.props) !== JSON.stringify(props)) throw new Error(`edge ${id} asserted with other props`);
    edges.set(id, { type, from, to, props, assertedBy: [...new Set([...(known?.assertedBy ?? []), doc])].sort() });
  };
  /** The hex digest of an artifact node already declared. */
  const hexOf = (id: string): string => (nodes.get(id)?.value ?? '').replace(/^sha256:/, '');
  for (const name of ['hub', 'pipeline'] as const) {
    node({ id: `key/${name}`, label: 'Key', key: 'fingerprint', value: keyFingerprint(keys[name]), labels: ['Key'] });
  }

  const emit = (
    name: string,
    format: 'bundle' | 'envelope',
    signer: SignerName,
    doc: Record<string, unknown>,
    outcome: { attests: string[]; describes?: ExpectedCard[] } | { reasonCode: string; tamper?: Record<string, unknown> },
  ): void => {
    let body = format === 'bundle' ? signBundle(doc, keys[signer]) : signEnvelope(doc, keys[signer]);
    if ('tamper' in outcome && outcome.tamper) {
      // Edited after signing: the signature stays, the payload says something else.
      const json = JSON.parse(body);
      const envelope = format === 'bundle' ? json.dsseEnvelope : json;
      envelope.payload = Buffer.from(JSON.stringify(outcome.tamper)).toString('base64');
      body = JSON.stringify(json);
    }
    const verified = 'attests' in outcome;
    bodies.set(name, body);
    documents.push({
      name,
      file: `documents/${name}.json`,
      format,
      signer,
      predicateType: String(doc['predicateType']),
      digest: `sha256:${sha256(body)}`,
      state: verified ? 'VERIFIED' : 'REJECTED',
      reasonCode: verified ? null : outcome.reasonCode,
      attests: verified ? outcome.attests : [],
      signedBy: verified ? `key/${signer}` : null,
      describes: verified ? (outcome.describes ?? []) : [],
    });
  };

  /** An OMS signature over files: the root node, one File per distinct content, CONTAINS {path} per file. */
  const oms = (
    id: string,
    name: string,
    kind: 'Model' | 'Dataset',
    files: Record<string, string>,
    docName: string,
    format: 'bundle' | 'envelope',
    signer: SignerName,
  ): { id: string; root: string } => {
    const salted = Object.fromEntries(Object.entries(files).map(([path, content]) => [path, s(content)]));
    const { doc, root } = omsStatement(name, salted);
    artifact(id, root, [kind], { name, omsSigned: true });
    for (const [path, content] of Object.entries(salted)) {
      const file = artifact(`file/${sha256(content).slice(0, 12)}`, sha256(content), ['File']);
      edge('CONTAINS', id, file, { path }, docName);
    }
    emit(docName, format, signer, doc, { attests: [id] });
    return { id, root };
  };
  const rd = (name: string, digest: string, role?: string): ResourceDescriptor => ({
    name,
    digest: { sha256: digest },
    ...(role ? { annotations: { role } } : {}),
  });
  const run = (id: string, runKind: string, builder: string): string => {
    node({ id: `builder/${builder}`, label: 'Builder', key: 'id', value: builder, labels: ['Builder'] });
    node({
      id: `run/${id}`,
      label: 'PipelineRun',
      key: 'id',
      value: runId(id),
      labels: ['PipelineRun'],
      properties: { runKind, buildType: `https://ml.example.com/pipelines/${runKind}/v1` },
    });
    return `run/${id}`;
  };
  const produced = (subject: string, runNode: string, builder: string, doc: string): void => {
    edge('PRODUCED_BY', subject, runNode, {}, doc);
    edge('RAN_ON', runNode, `builder/${builder}`, {}, doc);
  };

  const finish = (): Scenario => ({
    expected: {
      documents,
      nodes: [...nodes.values()],
      edges: [...edges.values()].sort((a, b) => (`${a.type}|${a.from}|${a.to}` < `${b.type}|${b.from}|${b.to}` ? -1 : 1)),
      absent,
    },
    bodies,
  });
  return { s, hex, runId, hexOf, node, artifact, edge, emit, oms, rd, run, produced, absent, finish };
}

// The query benchmark's AI-BOM answer checked against the synthetic graph (query-expected.ts): valid CycloneDX 1.6,
// and exactly the model's lineage as docs/QUERIES.md ("AI-BOM") describes it — the model with its files, every model
// it derives from (pedigree ancestors), the datasets it and they were trained on and those it was evaluated on, the
// packages it was built with, the code it used, and as attestations every one behind an edge shown or attesting an
// artifact shown. Every synthetic edge has verified evidence, so every edge counts.
import { validateCycloneDx } from '../../src/bom/index.ts';
import { BenchAbort } from './query-server.ts';
import type { SyntheticGraph } from './query-expected.ts';

/** readBomSubject's bound on the ancestor walk (src/graph traverse/subgraph.ts MAX_DEPTH). */
const ANCESTOR_DEPTH = 20;

interface Component {
  readonly type: string;
  readonly name?: string;
  readonly purl?: string;
  readonly hashes?: readonly { alg: string; content: string }[];
  readonly components?: readonly Component[];
  readonly externalReferences?: readonly { type: string; url: string }[];
  readonly pedigree?: { readonly ancestors?: readonly Component[] };
}

const sha = (c: Component): string => `sha256:${c.hashes?.find((h) => h.alg === 'SHA-256')?.content ?? '(none)'}`;
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function same(what: string, got: Iterable<string>, want: Iterable<string>): number {
  const g = sorted(got);
  const w = sorted(want);
  if (JSON.stringify(g) !== JSON.stringify(w)) {
    const missing = w.filter((x) => !g.includes(x)).slice(0, 3);
    const extra = g.filter((x) => !w.includes(x)).slice(0, 3);
    throw new BenchAbort(
      `AI-BOM ${what}: ${g.length}, expected ${w.length}; missing ${missing.join(' ')}; extra ${extra.join(' ')}`,
    );
  }
  return g.length;
}

export async function checkAiBom(oracle: SyntheticGraph, answer: unknown, model: number): Promise<string> {
  if (typeof answer !== 'object' || answer === null) throw new BenchAbort('exportAiBom returned no document');
  const errors = await validateCycloneDx(answer, '1.6');
  if (errors.length > 0) throw new BenchAbort(`the AI-BOM fails the CycloneDX 1.6 schema: ${JSON.stringify(errors.slice(0, 3))}`);
  const bom = answer as {
    metadata: { component: Component };
    components?: readonly Component[];
    formulation?: readonly { components?: readonly Component[] }[];
    externalReferences?: readonly { type: string; url: string }[];
  };

  // what the synthetic graph says the BOM must show
  const out = (node: number, types: readonly string[]): number[] => oracle.edgesOf(node, 'out', types);
  const ancestors = [...oracle.depths([model], ['DERIVED_FROM'], 'UPSTREAM', ANCESTOR_DEPTH).keys()].filter((n) => n !== model);
  const lineage = [model, ...ancestors];
  const shownEdges = [
    ...out(model, ['CONTAINS', 'BUILT_WITH', 'USED', 'EVALUATED_ON', 'PRODUCED_BY']),
    ...lineage.flatMap((n) => out(n, ['DERIVED_FROM', 'TRAINED_ON'])),
  ];
  const datasets = [...lineage.flatMap((n) => out(n, ['TRAINED_ON'])), ...out(model, ['EVALUATED_ON'])].map((e) => oracle.to(e));
  const used = out(model, ['USED']).map((e) => oracle.to(e));
  const attested = [...lineage, ...datasets, ...used];
  const attestations = [
    ...shownEdges.flatMap((e) => oracle.evidence(e)),
    ...attested.flatMap((n) => oracle.edgesOf(n, 'in', ['ATTESTS']).map((e) => oracle.key(oracle.from(e)))),
  ];

  const subject = bom.metadata.component;
  same('model', [sha(subject)], [oracle.key(model)]);
  const files = same(
    'files',
    (subject.components ?? []).map((f) => `${f.name} ${sha(f)}`),
    out(model, ['CONTAINS']).map((e) => `${oracle.path(e)} ${oracle.key(oracle.to(e))}`),
  );
  const models = same(
    'ancestors',
    (subject.pedigree?.ancestors ?? []).map(sha),
    ancestors.map((n) => oracle.key(n)),
  );
  const top = bom.components ?? [];
  const data = same(
    'datasets',
    top.filter((c) => c.type === 'data').map(sha),
    datasets.map((n) => oracle.key(n)),
  );
  same(
    'packages',
    top.filter((c) => c.type === 'library').map((c) => c.purl ?? '(none)'),
    out(model, ['BUILT_WITH']).map((e) => oracle.key(oracle.to(e))),
  );
  same(
    'used',
    (bom.formulation ?? []).flatMap((f) => (f.components ?? []).map(sha)),
    used.map((n) => oracle.key(n)),
  );
  const cited = same(
    'attestations',
    (bom.externalReferences ?? []).filter((r) => r.type === 'attestation').map((r) => r.url.replace(/^urn:attestation:/, '')),
    attestations,
  );
  return `${files} files, ${models} ancestors, ${data} datasets, ${cited} attestations`;
}

// The answers the query benchmark must get, computed in memory from the rows the load writes (synthetic-load.ts), not
// read back from Neo4j and not through src/graph: each question answered by a breadth-first search of its own over
// the generated edges, with the meaning docs/QUERIES.md gives it. The benchmark checks every case's answer against
// these before it times anything (query.ts), so a query that drops, adds or misplaces one node fails the run.
//
// Nodes are interned to integers and edges kept in typed arrays (about 2 M edges at scale 1, ~600 MB); the card
// (DESCRIBES) and RAN_ON edges are not kept: no question here walks them. One file a little over 300 lines: the
// graph and the questions' meanings belong together, and splitting them would only move the accessors.

import { createHash } from 'node:crypto';
import type { GraphSpec } from './synthetic-graph.ts';
import { loadSteps, type Row } from './synthetic-load.ts';

export type Kind = 'MODEL' | 'DATASET' | 'FILE' | 'PACKAGE' | 'RUN' | 'BUILDER' | 'ARTIFACT' | 'ATTESTATION' | 'KEY';

/** The node steps of synthetic-load.ts, by name: the kind src/graph reports for their label. */
const KIND_OF_STEP: Readonly<Record<string, Kind>> = {
  Key: 'KEY',
  Builder: 'BUILDER',
  Package: 'PACKAGE',
  Dataset: 'DATASET',
  'code Artifact': 'ARTIFACT',
  Model: 'MODEL',
  File: 'FILE',
  PipelineRun: 'RUN',
  Attestation: 'ATTESTATION',
};
const KINDS: readonly Kind[] = [...new Set(Object.values(KIND_OF_STEP))];
const SKIPPED_EDGES = new Set(['DESCRIBES', 'RAN_ON']);

/** The trace's edges (src/graph traverse/trace.ts, docs/QUERIES.md): what a model depends on. */
export const DEPENDENCY_TYPES = ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'CONTAINS'] as const;
/** modelsTrainedOn's: datasets derived from the dataset, models trained on those, and their fine-tunes. */
export const TRAINING_TYPES = ['DERIVED_FROM', 'TRAINED_ON'] as const;
/** readLineage's. */
export const LINEAGE_TYPES = ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'EVALUATED_ON', 'PRODUCED_BY'] as const;

/** An answer as a list of lines in the order the library must return it, and its SHA-256 (what the run prints). */
export interface Listing {
  readonly lines: readonly string[];
  readonly hash: string;
}

export const listing = (lines: readonly string[]): Listing => ({
  lines,
  hash: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16),
});

/** Code-unit order, as src/graph sorts keys (not localeCompare). */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

class Growable {
  data = new Int32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

export interface ExpectedAffected {
  /** `depth key` lines, nearest first, then by key: exactly `TraceResult.affected`. */
  readonly affected: Listing;
  readonly byKind: ReadonlyMap<string, number>;
  readonly byDepth: ReadonlyMap<number, number>;
  /** the start keys. */
  readonly starts: readonly string[];
}

export class SyntheticGraph {
  readonly #index = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #kinds: Kind[] = [];
  readonly #verified: boolean[] = [];
  readonly #types: string[] = [];
  readonly #from = new Growable();
  readonly #to = new Growable();
  readonly #type = new Growable();
  /** evidence of edge i: #evidence[#evStart[i] .. #evStart[i + 1]). */
  readonly #evStart = new Growable();
  readonly #evidence = new Growable();
  /** CONTAINS edges' `path`. */
  readonly #paths = new Map<number, string>();
  #out: { start: Int32Array; edges: Int32Array } | undefined;
  #in: { start: Int32Array; edges: Int32Array } | undefined;

  /** Streams every load row of `spec` (the same rows, in the same order, the load writes). */
  constructor(spec: GraphSpec) {
    for (const step of loadSteps(spec)) {
      const kind = KIND_OF_STEP[step.name];
      if (kind !== undefined) {
        for (const row of step.rows()) this.#addNode(row, kind);
        continue;
      }
      if (SKIPPED_EDGES.has(step.name)) continue;
      let type = this.#types.indexOf(step.name);
      if (type < 0) type = this.#types.push(step.name) - 1;
      for (const row of step.rows()) this.#addEdge(row, type);
    }
    this.#evStart.push(this.#evidence.length);
  }

  #addNode(row: Row, kind: Kind): void {
    const key = String(row['digest'] ?? row['purl'] ?? row['id'] ?? row['fingerprint']);
    if (this.#index.has(key)) throw new Error(`two synthetic nodes share the key ${key}`);
    this.#index.set(key, this.#keys.length);
    this.#keys.push(key);
    this.#kinds.push(kind);
    this.#verified.push(kind !== 'ATTESTATION' || row['status'] === 'verified');
  }

  #node(key: unknown): number {
    const i = this.#index.get(String(key));
    if (i === undefined) throw new Error(`a synthetic edge names the unknown node ${String(key)}`);
    return i;
  }

  #addEdge(row: Row, type: number): void {
    this.#from.push(this.#node(row['from']));
    this.#to.push(this.#node(row['to']));
    this.#type.push(type);
    this.#evStart.push(this.#evidence.length);
    const props = (row['props'] ?? {}) as { evidence?: string[]; path?: string };
    for (const digest of props.evidence ?? []) this.#evidence.push(this.#node(digest));
    if (props.path !== undefined) this.#paths.set(this.#from.length - 1, props.path);
  }

  get edgeCount(): number {
    return this.#from.length;
  }

  key(node: number): string {
    return this.#keys[node] as string;
  }

  kind(node: number): Kind {
    return this.#kinds[node] as Kind;
  }

  nodeOf(key: string): number | undefined {
    return this.#index.get(key);
  }

  typeName(edge: number): string {
    return this.#types[this.#type.data[edge] as number] as string;
  }

  from(edge: number): number {
    return this.#from.data[edge] as number;
  }

  to(edge: number): number {
    return this.#to.data[edge] as number;
  }

  /** A CONTAINS edge's `path`. */
  path(edge: number): string | undefined {
    return this.#paths.get(edge);
  }

  /** The attestation digests in the edge's `evidence`, sorted. */
  evidence(edge: number): string[] {
    const out: string[] = [];
    for (let i = this.#evStart.data[edge] as number; i < (this.#evStart.data[edge + 1] as number); i++)
      out.push(this.key(this.#evidence.data[i] as number));
    return out.sort(byCodeUnit);
  }

  /** Compressed adjacency by `from` (out) or by `to` (in), built on first use. */
  #adjacency(direction: 'out' | 'in'): { start: Int32Array; edges: Int32Array } {
    const cached = direction === 'out' ? this.#out : this.#in;
    if (cached) return cached;
    const ends = direction === 'out' ? this.#from : this.#to;
    const n = this.#keys.length;
    const start = new Int32Array(n + 1);
    for (let e = 0; e < ends.length; e++) {
      const i = (ends.data[e] as number) + 1;
      start[i] = (start[i] as number) + 1;
    }
    for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
    const fill = start.slice(0, n);
    const edges = new Int32Array(ends.length);
    for (let e = 0; e < ends.length; e++) {
      const node = ends.data[e] as number;
      edges[fill[node] as number] = e;
      fill[node] = (fill[node] as number) + 1;
    }
    const built = { start, edges };
    if (direction === 'out') this.#out = built;
    else this.#in = built;
    return built;
  }

  /** The edges leaving `node` (out: it depends on their `to`) or arriving at it (in), of the given types. */
  edgesOf(node: number, direction: 'out' | 'in', types: readonly string[]): number[] {
    const { start, edges } = this.#adjacency(direction);
    const wanted = new Set(types);
    const out: number[] = [];
    for (let i = start[node] as number; i < (start[node + 1] as number); i++) {
      const e = edges[i] as number;
      if (wanted.has(this.typeName(e))) out.push(e);
    }
    return out;
  }

  /** The first edge `from -[type]-> to`, or undefined. */
  edgeBetween(from: number, type: string, to: number): number | undefined {
    return this.edgesOf(from, 'out', [type]).find((e) => this.to(e) === to);
  }

  /**
   * Breadth-first depths from `starts` along `types`, at most `maxDepth` hops: DOWNSTREAM walks an edge from its `to`
   * to its `from` (from what was used to what used it), UPSTREAM the other way.
   */
  depths(
    starts: readonly number[],
    types: readonly string[],
    direction: 'UPSTREAM' | 'DOWNSTREAM',
    maxDepth: number,
  ): Map<number, number> {
    const depth = new Map<number, number>();
    let frontier: number[] = [];
    for (const s of starts) {
      if (depth.has(s)) continue;
      depth.set(s, 0);
      frontier.push(s);
    }
    for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
      const next: number[] = [];
      for (const node of frontier) {
        for (const e of this.edgesOf(node, direction === 'UPSTREAM' ? 'out' : 'in', types)) {
          const other = direction === 'UPSTREAM' ? this.to(e) : this.from(e);
          if (depth.has(other)) continue;
          depth.set(other, d);
          next.push(other);
        }
      }
      frontier = next;
    }
    return depth;
  }

  /**
   * traceIncident / modelsTrainedOn: the nodes of `kinds` within `maxDepth` downstream of the starts, starts left out
   * unless `startsAffected` (a signer's attested artifacts are affected themselves, one hop from the signer: `offset`).
   */
  affected(
    starts: readonly number[],
    types: readonly string[],
    maxDepth: number,
    options: { kinds?: readonly Kind[]; startsAffected?: boolean; offset?: number } = {},
  ): ExpectedAffected {
    const kinds = new Set(options.kinds ?? ['MODEL', 'DATASET']);
    const offset = options.offset ?? 0;
    const rows: { depth: number; key: string; kind: Kind }[] = [];
    for (const [node, depth] of this.depths(starts, types, 'DOWNSTREAM', maxDepth)) {
      if (depth === 0 && !options.startsAffected) continue;
      if (!kinds.has(this.kind(node))) continue;
      rows.push({ depth: depth + offset, key: this.key(node), kind: this.kind(node) });
    }
    rows.sort((a, b) => a.depth - b.depth || byCodeUnit(a.key, b.key));
    const byKind = new Map<string, number>();
    const byDepth = new Map<number, number>();
    for (const r of rows) {
      byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
      byDepth.set(r.depth, (byDepth.get(r.depth) ?? 0) + 1);
    }
    return {
      affected: listing(rows.map((r) => `${r.depth} ${r.key}`)),
      byKind,
      byDepth,
      starts: starts.map((s) => this.key(s)).sort(byCodeUnit),
    };
  }

  /** The artifacts a key's verified attestations attest, with those attestations (the key trace's starts). */
  signedBy(fingerprint: string): Map<number, string[]> {
    const key = this.nodeOf(fingerprint);
    const starts = new Map<number, string[]>();
    if (key === undefined) return starts;
    for (const signed of this.edgesOf(key, 'in', ['SIGNED_BY'])) {
      const attestation = this.from(signed);
      if (!this.#verified[attestation]) continue;
      for (const attests of this.edgesOf(attestation, 'out', ['ATTESTS'])) {
        const list = starts.get(this.to(attests)) ?? [];
        list.push(this.key(attestation));
        starts.set(this.to(attests), list);
      }
    }
    return starts;
  }

  /** readLineage(UPSTREAM): `depth kind key` node lines and `type from to` edge lines, each sorted. */
  lineage(root: number, maxDepth: number): { nodes: Listing; edges: Listing } {
    const depth = this.depths([root], LINEAGE_TYPES, 'UPSTREAM', maxDepth);
    const nodes: string[] = [];
    const edges: string[] = [];
    for (const [node, d] of depth) {
      nodes.push(`${d} ${this.kind(node)} ${this.key(node)}`);
      if (d >= maxDepth) continue;
      for (const e of this.edgesOf(node, 'out', LINEAGE_TYPES))
        if (depth.has(this.to(e))) edges.push(`${this.typeName(e)} ${this.key(node)} ${this.key(this.to(e))}`);
    }
    return { nodes: listing(nodes.sort(byCodeUnit)), edges: listing(edges.sort(byCodeUnit)) };
  }

  /** Nodes of every kind, for the run's log. */
  counts(): Record<Kind, number> {
    const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
    for (const k of this.#kinds) counts[k]++;
    return counts;
  }
}

// The query benchmark's checks of a trace's answer against the exact one (query-expected.ts): the affected nodes,
// their counts and starts, and every explained path, hop by hop.
import type { Affected, TraceResult } from '../../src/graph/index.ts';
import { listing, type ExpectedAffected, type Listing, type SyntheticGraph } from './query-expected.ts';
import { fmt } from './query-measure.ts';
import { BenchAbort } from './query-server.ts';

export interface Traced {
  readonly result: TraceResult;
  readonly paths: readonly Affected[];
}

/** The first position where two listings differ, for the abort message. */
function firstDifference(got: readonly string[], want: readonly string[]): string {
  for (let i = 0; i < Math.max(got.length, want.length); i++)
    if (got[i] !== want[i]) return `at ${i}: got "${got[i] ?? '(end)'}", expected "${want[i] ?? '(end)'}"`;
  return 'none';
}

export function sameListing(what: string, got: readonly string[], want: Listing): void {
  const actual = listing(got);
  if (actual.hash !== want.hash)
    throw new BenchAbort(
      `${what}: ${fmt(got.length)} lines (sha256 ${actual.hash}), expected ${fmt(want.lines.length)} (${want.hash}); ` +
        `first difference ${firstDifference(got, want.lines)}`,
    );
}

const sameCounts = (what: string, got: ReadonlyMap<unknown, number>, want: ReadonlyMap<unknown, number>): void => {
  const text = (m: ReadonlyMap<unknown, number>) =>
    JSON.stringify([...m].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  if (text(got) !== text(want)) throw new BenchAbort(`${what}: ${text(got)}, expected ${text(want)}`);
};

/**
 * Every explained path is a shortest path of the synthetic graph from the node back to a start: as many hops as its
 * depth, each hop an edge that exists there with exactly that edge's evidence, each hop starting where the last one
 * ended; from a signer, the last hop is SIGNED with exactly the signer's verified attestations of that start.
 */
function checkPaths(
  oracle: SyntheticGraph,
  what: string,
  explained: readonly Affected[],
  affected: TraceResult['affected'],
  signer?: { readonly key: string; readonly attestations: ReadonlyMap<number, string[]> },
): void {
  const fail = (i: number, why: string): never => {
    throw new BenchAbort(`${what}: the path of ${explained[i]?.node.key} (depth ${explained[i]?.depth}) ${why}`);
  };
  for (const [i, a] of explained.entries()) {
    if (a.node.key !== affected[i]?.node.key) fail(i, `is not the path of the ${i}th affected node ${affected[i]?.node.key}`);
    if (a.path.length !== a.depth) fail(i, `has ${a.path.length} hops`);
    if (!a.verified) fail(i, 'is not verified, while every synthetic edge has verified evidence');
    let at = a.node.key;
    for (const [h, hop] of a.path.entries()) {
      if (hop.from.key !== at) fail(i, `hop ${h} starts at ${hop.from.key}, not ${at}`);
      const from = oracle.nodeOf(hop.from.key);
      const to = oracle.nodeOf(hop.to.key);
      let evidence: string[] | undefined;
      if (hop.type === 'SIGNED') {
        if (!signer || h !== a.path.length - 1 || hop.to.key !== signer.key) fail(i, `has a SIGNED hop ${h} to ${hop.to.key}`);
        evidence = from === undefined ? undefined : signer?.attestations.get(from);
      } else {
        const edge = from === undefined || to === undefined ? undefined : oracle.edgeBetween(from, hop.type, to);
        if (edge === undefined) fail(i, `hop ${h} ${hop.from.key} -${hop.type}-> ${hop.to.key} is no edge of the graph`);
        else evidence = oracle.evidence(edge);
      }
      const shown = hop.evidence.map((e) => e.digest).sort();
      if (JSON.stringify(shown) !== JSON.stringify([...(evidence ?? [])].sort()))
        fail(i, `hop ${h} cites ${shown.join(' ')}, the edge's evidence is ${evidence?.join(' ')}`);
      at = hop.to.key;
    }
    if (signer && a.path[a.path.length - 1]?.type !== 'SIGNED') fail(i, 'does not end with the SIGNED hop to the signer');
  }
}

export function traceCheck(
  oracle: SyntheticGraph,
  what: string,
  expected: ExpectedAffected,
  describe: (t: Traced) => string,
  signer?: { readonly key: string; readonly attestations: ReadonlyMap<number, string[]> },
): (answer: unknown) => string {
  return (answer) => {
    const traced = answer as Traced;
    const { result } = traced;
    sameListing(
      `${what} affected`,
      result.affected.map((a) => `${a.depth} ${a.node.key}`),
      expected.affected,
    );
    sameCounts(`${what} by kind`, result.byKind, expected.byKind);
    sameCounts(`${what} by depth`, result.byDepth, expected.byDepth);
    const compromised = result.compromised.map((n) => n.key).sort();
    const starts = signer ? [signer.key] : expected.starts;
    if (JSON.stringify(compromised) !== JSON.stringify(starts))
      throw new BenchAbort(`${what}: compromised ${compromised.length} nodes, expected ${starts.length}`);
    // a path from an artifact or package trace ends at one of its starts
    const startSet = new Set(expected.starts);
    for (const a of traced.paths) {
      const end = a.path[a.path.length - 1]?.to.key;
      if (!signer && end !== undefined && !startSet.has(end)) throw new BenchAbort(`${what}: a path ends at ${end}, not a start`);
    }
    checkPaths(oracle, what, traced.paths, result.affected, signer);
    return describe(traced);
  };
}

// The ingest benchmark's baseline: how many of the smallest durable writes Neo4j alone commits per second.
import { randomUUID } from 'node:crypto';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import { BenchAbort } from './benchmark.ts';
import { inParallel } from './harness.ts';
import { cpuSeconds, localServerPids } from './process-cpu.ts';

export interface Ceiling {
  readonly writes: number;
  readonly concurrency: number;
  readonly perSecond: number;
  /** Neo4j's CPU per write, when the server is a local one with a pid file. */
  readonly neo4jCpuMs?: number;
}

/**
 * What the database alone allows on this machine, measured in the same run as the ingest figures: the smallest
 * durable write there is, `CREATE (:BenchEmptyWrite {i})` (emptyWrite below) as one auto-commit transaction (as each attestation is one),
 * from `concurrency` sessions at once. No attestation can be committed faster than this. Every write must have landed,
 * once (counted before the nodes are removed), else the figure is of writes that did not happen: BenchAbort.
 */
export async function measureCeiling(
  env: { NEO4J_URI: string; REDIS_URL: string },
  writes: number,
  concurrency: number,
): Promise<Ceiling> {
  const graph = connectGraph({ uri: env.NEO4J_URI, database: 'neo4j' });
  const neo4jPid = localServerPids(env.NEO4J_URI, env.REDIS_URL)['neo4j'];
  const tag = randomUUID();
  const write = (i: number): Promise<void> => emptyWrite(graph, tag, i);
  try {
    const indices = Array.from({ length: writes }, (_, i) => i);
    // warm-up (JIT, plan cache), numbered after the measured writes so every write has an index of its own
    const warmup = indices.slice(0, Math.min(1000, writes)).map((i) => writes + i);
    await inParallel(warmup, concurrency, write);
    const cpu0 = neo4jPid === undefined ? undefined : cpuSeconds(neo4jPid);
    const start = performance.now();
    await inParallel(indices, concurrency, write);
    const seconds = (performance.now() - start) / 1000;
    const cpu1 = neo4jPid === undefined ? undefined : cpuSeconds(neo4jPid);
    await expectEmptyWrites(graph, tag, warmup.length + writes, 'ceiling');
    return {
      writes,
      concurrency,
      perSecond: writes / seconds,
      ...(cpu0 === undefined || cpu1 === undefined ? {} : { neo4jCpuMs: ((cpu1 - cpu0) * 1000) / writes }),
    };
  } finally {
    await removeEmptyWrites(graph, tag);
    await graph.driver.close();
  }
}

/** The smallest durable write: one node, one auto-commit transaction (as each attestation is one). */
export async function emptyWrite(graph: GraphConnection, tag: string, i: number | string): Promise<void> {
  const session = graph.driver.session({ database: graph.database });
  try {
    await session.run('CREATE (:BenchEmptyWrite {run: $tag, i: $i})', { tag, i });
  } finally {
    await session.close();
  }
}

/** Throws BenchAbort unless exactly `expected` writes of the run `tag` are in the graph, each with an index of its own. */
export async function expectEmptyWrites(graph: GraphConnection, tag: string, expected: number, what: string): Promise<void> {
  const { records } = await graph.driver.executeQuery(
    'MATCH (n:BenchEmptyWrite {run: $tag}) RETURN count(n) AS nodes, count(DISTINCT n.i) AS distinct',
    { tag },
    { database: graph.database },
  );
  const nodes = Number(records[0]?.get('nodes'));
  const distinct = Number(records[0]?.get('distinct'));
  if (nodes !== expected || distinct !== expected)
    throw new BenchAbort(`${what}: ${nodes} writes landed (${distinct} distinct) of the ${expected} made`);
}

export async function removeEmptyWrites(graph: GraphConnection, tag: string): Promise<void> {
  await graph.driver.executeQuery('MATCH (n:BenchEmptyWrite {run: $tag}) DELETE n', { tag }, { database: graph.database });
}

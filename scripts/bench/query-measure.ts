// Measuring the query benchmark's cases: every query timed through a recording connection, each case checked, warmed
// up and then timed round-robin with the others; percentiles, the time with a query in flight, `--plan`'s PROFILE output
// and the results table.

import { performance } from 'node:perf_hooks';
import neo4j from 'neo4j-driver';
import type { Driver, QueryResult } from 'neo4j-driver';
import type { GraphConnection } from '../../src/graph/index.ts';
import { progress } from './query-server.ts';
import { markdownTable } from './table.ts';

export interface Case {
  readonly name: string;
  readonly question: string;
  /** p50 target in ms; undefined = reported only. */
  readonly targetMs?: number;
  /** one call, the thing timed; returns its answer. */
  readonly op: () => Promise<unknown>;
  /**
   * Checks an answer of `op` against the exact expected one (query-expected.ts) and describes it in a few words;
   * throws BenchAbort when it differs. Run on the first call's answer before anything is timed, and on the last timed
   * call's after, never inside the timing.
   */
  readonly check: (answer: unknown) => Promise<string> | string;
  /**
   * At most this many warm-up and timed calls (default: the run's): for the seconds-long scale cases, which would
   * otherwise take minutes. Their calls still take turns with the others'.
   */
  readonly maxRuns?: number;
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Every query through this connection is timed and remembered: executeQuery until its promise settles, session.run
 * (src/graph's readAll/readEach, which stream records) until the session is closed after the last record.
 */
interface Recorder {
  readonly graph: GraphConnection;
  readonly calls: { query: string; params: Record<string, unknown>; start: number; ms: number }[];
}

export function recordingConnection(graph: GraphConnection): Recorder {
  const calls: Recorder['calls'] = [];
  const bound = (target: object, prop: string | symbol): unknown => {
    const value: unknown = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const driver = new Proxy(graph.driver, {
    get(target, prop) {
      if (prop === 'executeQuery') {
        return async (query: string, params: Record<string, unknown>, config: Parameters<Driver['executeQuery']>[2]) => {
          const start = performance.now();
          try {
            return await target.executeQuery(query, params, config);
          } finally {
            calls.push({ query, params, start, ms: performance.now() - start });
          }
        };
      }
      if (prop === 'session') {
        return (config: Parameters<Driver['session']>[0]) => {
          const session = target.session(config);
          const started: { query: string; params: Record<string, unknown>; start: number }[] = [];
          return new Proxy(session, {
            get: (s, p) => {
              if (p === 'run')
                return (query: string, params: Record<string, unknown>, ...rest: unknown[]) => {
                  started.push({ query, params, start: performance.now() });
                  return (s.run as (...a: unknown[]) => unknown)(query, params, ...rest);
                };
              if (p === 'close')
                return async () => {
                  const end = performance.now();
                  for (const call of started.splice(0))
                    calls.push({ query: call.query, params: call.params, start: call.start, ms: end - call.start });
                  await s.close();
                };
              return bound(s, p);
            },
          });
        };
      }
      return bound(target, prop);
    },
  }) as Driver;
  return { graph: { driver, database: graph.database }, calls };
}

interface Row {
  readonly case: string;
  readonly question: string;
  readonly answer: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** median time with a Neo4j query in flight (round trips, transfer and decoding; overlapping queries count once). */
  readonly dbP50Ms: number;
  readonly queries: number;
  readonly targetMs?: number;
  readonly met?: boolean;
}

/** Time with at least one query in flight (look-ups overlapping a traversal count once). */
function busy(calls: Recorder['calls']): number {
  let total = 0;
  let until = -Infinity;
  for (const { start, ms } of [...calls].sort((a, b) => a.start - b.start)) {
    const end = start + ms;
    if (end <= until) continue;
    total += end - Math.max(start, until);
    until = end;
  }
  return total;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export async function measure(recorder: Recorder, list: readonly Case[], runs: number, warmup: number): Promise<Row[]> {
  const answers = new Map<string, string>();
  for (const c of list) {
    process.stderr.write(`  ${c.name}: checking … `);
    const start = performance.now();
    const answer = await c.op();
    const ms = performance.now() - start;
    answers.set(c.name, await c.check(answer));
    process.stderr.write(`${answers.get(c.name)}, as expected (${ms.toFixed(0)} ms cold)\n`);
  }
  const within = (c: Case, i: number): boolean => i < (c.maxRuns ?? Infinity);
  for (let i = 0; i < warmup; i++) for (const c of list) if (within(c, i)) await c.op();
  const times = list.map(() => [] as number[]);
  const dbTimes = list.map(() => [] as number[]);
  const queryCounts = list.map(() => 0);
  const last = new Map<string, unknown>();
  for (let i = 0; i < runs; i++) {
    for (const [index, c] of list.entries()) {
      if (!within(c, i)) continue;
      recorder.calls.length = 0;
      const start = performance.now();
      last.set(c.name, await c.op());
      times[index]?.push(performance.now() - start);
      dbTimes[index]?.push(busy(recorder.calls));
      queryCounts[index] = recorder.calls.length;
    }
    progress(`  timed round ${i + 1}/${runs}`, i + 1 === runs);
  }
  // the answers while timed were the right ones too
  for (const c of list) if (last.has(c.name)) await c.check(last.get(c.name));
  return list.map((c, index) => {
    const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
    const db = [...(dbTimes[index] ?? [])].sort((a, b) => a - b);
    const p50Ms = percentile(sorted, 50);
    return {
      case: c.name,
      question: c.question,
      answer: answers.get(c.name) ?? '',
      n: sorted.length,
      p50Ms,
      p95Ms: percentile(sorted, 95),
      meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      minMs: sorted[0] ?? NaN,
      maxMs: sorted[sorted.length - 1] ?? NaN,
      dbP50Ms: percentile(db, 50),
      queries: queryCounts[index] ?? 0,
      ...(c.targetMs === undefined ? {} : { targetMs: c.targetMs, met: p50Ms <= c.targetMs }),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// --plan: each case's queries under PROFILE

interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  rows: number;
  dbHits: number;
  children: PlanNode[];
}

function renderPlan(plan: PlanNode, indent = ''): string[] {
  const details = String(plan.arguments['Details'] ?? '').replace(/\s+/g, ' ');
  const line = `${indent}${plan.operatorType.replace(/@.*$/, '')}  rows=${fmt(Number(plan.rows))} dbHits=${fmt(Number(plan.dbHits))}${details ? `  ${details.slice(0, 140)}` : ''}`;
  return [line, ...plan.children.flatMap((child) => renderPlan(child, `${indent}  `))];
}

function totalHits(plan: PlanNode): number {
  return Number(plan.dbHits) + plan.children.reduce((sum, c) => sum + totalHits(c), 0);
}

export async function printPlans(recorder: Recorder, list: readonly Case[], underlying: GraphConnection): Promise<string> {
  const out: string[] = [];
  for (const c of list) {
    recorder.calls.length = 0;
    await c.op();
    const calls = [...recorder.calls];
    for (const [i, call] of calls.entries()) {
      const result: QueryResult = await underlying.driver.executeQuery(`PROFILE ${call.query}`, call.params, {
        database: underlying.database,
        routing: neo4j.routing.READ,
      });
      const plan = result.summary.profile as unknown as PlanNode | false;
      out.push(`### ${c.name}, query ${i + 1}/${calls.length} (${call.ms.toFixed(1)} ms in the timed call)`, '```');
      out.push(call.query.trim().replace(/^\s+/gm, '  '), '');
      if (plan) {
        out.push(...renderPlan(plan));
        out.push(`total db hits ${fmt(totalHits(plan))}, ${result.records.length} records`);
      }
      out.push('```', '');
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

export function report(rows: readonly Row[]): string {
  return markdownTable(
    [
      { title: 'case', align: 'left', cell: (r: Row) => r.case },
      { title: 'answer', align: 'left', cell: (r: Row) => r.answer },
      { title: 'n', align: 'right', cell: (r: Row) => String(r.n) },
      { title: 'p50 ms', align: 'right', cell: (r: Row) => ms(r.p50Ms) },
      { title: 'p95 ms', align: 'right', cell: (r: Row) => ms(r.p95Ms) },
      { title: 'mean ms', align: 'right', cell: (r: Row) => ms(r.meanMs) },
      { title: 'db p50 ms', align: 'right', cell: (r: Row) => `${ms(r.dbP50Ms)} (${r.queries}q)` },
      { title: 'target p50', align: 'right', cell: (r: Row) => (r.targetMs === undefined ? '—' : `≤ ${r.targetMs} ms`) },
      { title: 'met', align: 'left', cell: (r: Row) => (r.met === undefined ? '—' : r.met ? 'met' : 'NOT met') },
    ],
    rows,
  );
}

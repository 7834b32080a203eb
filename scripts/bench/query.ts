// `npm run bench -- query`: latency of the graph questions (src/graph: traceIncident, modelsTrainedOn, readLineage,
// and the AI-BOM export when src/bom has one) on a synthetic lineage graph of ~1 M nodes (synthetic-graph.ts), in the
// benchmark's own Neo4j (port 7698, .data/neo4j-bench) so the shared dev/test database stays small.
//
// The graph is generated and loaded once (parameterised UNWIND batches, one transaction each); a marker node records a
// complete load of this exact spec, so later runs go straight to measuring. `--rebuild` forces a fresh load.
// Each case is called once to check the answer has the expected shape, warmed up, then timed round-robin with the
// other cases (so drifting background load hits every case alike). `--plan` prints each case's queries under PROFILE.

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import neo4j from 'neo4j-driver';
import type { Driver, QueryResult } from 'neo4j-driver';
import {
  applyMigrations,
  connectGraph,
  modelsTrainedOn,
  readLineage,
  traceIncident,
  waitForGraph,
  type GraphConnection,
  type TraceResult,
} from '../../src/graph/index.ts';
import { EXIT_ABORTED, EXIT_OK, EXIT_USAGE } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import {
  benchTargets,
  loadSteps,
  scaledSpec,
  specHash,
  GENERATOR_VERSION,
  type GraphSpec,
  type Targets,
} from './synthetic-graph.ts';
import { markdownTable } from './table.ts';

export const summary = 'p50/p95 of traceIncident, modelsTrainedOn, readLineage (and aiBom) on a ~1 M-node synthetic graph';

const REPO = path.resolve(import.meta.dirname, '../..');
const MIGRATIONS = path.join(REPO, 'migrations');
const HOME_DIR = '.data/neo4j-bench';
const DEFAULT_PORT = 7698;
const NEO4J_ENV = { NEO4J_BOLT_PORT: String(DEFAULT_PORT), NEO4J_HOME_DIR: HOME_DIR, NEO4J_HEAP: '2g', NEO4J_PAGECACHE: '1g' };
const bolt = (): string => `bolt://127.0.0.1:${NEO4J_ENV.NEO4J_BOLT_PORT}`;
const BATCH = 10_000;
const MARKER = 'query-bench';

const USAGE = `usage: npm run bench -- query [--runs N] [--warmup N] [--only CASE,…] [--plan] [--rebuild] [--keep] [--port N] [--json]

  --runs N      timed calls per case, after warm-up (default 40)
  --warmup N    untimed calls per case first (default 20: a freshly started Neo4j JVM needs them to compile its hot paths)
  --only CASES  run only these cases (comma-separated): trace, trace-all, trained-on, trained-on-big, lineage, ai-bom
  --plan        also print each case's Cypher under PROFILE (operators, rows, db hits)
  --rebuild     drop the benchmark database and load the synthetic graph again
  --scale X     a smaller graph of the same shape, for trying the benchmark out (default 1; figures need 1)
  --keep        leave the benchmark's Neo4j running afterwards (default: stop it)
  --port N      Bolt port of the benchmark's Neo4j (default ${DEFAULT_PORT}); the benchmark refuses a port where a
                server other than its own (${HOME_DIR}) listens, so it never writes into another database
  --json        print the results as JSON instead of a table
  --help        this text

Neo4j: bolt://127.0.0.1:${DEFAULT_PORT}, home ${HOME_DIR}, heap ${NEO4J_ENV.NEO4J_HEAP}, page cache ${NEO4J_ENV.NEO4J_PAGECACHE} (scripts/neo4j.sh).`;

class BenchAbort extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark's own Neo4j

function neo4jScript(command: 'start' | 'stop' | 'status'): number | null {
  const result = spawnSync('bash', [path.join(REPO, 'scripts/neo4j.sh'), command], {
    cwd: REPO,
    env: { ...process.env, ...NEO4J_ENV },
    // the script logs to stderr; stdout stays free for --json
    stdio: ['ignore', command === 'status' ? 'ignore' : 2, 2],
  });
  if (command !== 'status' && result.status !== 0)
    throw new BenchAbort(`scripts/neo4j.sh ${command} failed (exit ${result.status})`);
  return result.status;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the benchmark's own server. neo4j.sh start succeeds whenever *something* listens on the port, so a server
 * that is not ours (another session's private Neo4j on the same port) is refused here: the load would write into it.
 */
async function startOwnNeo4j(): Promise<void> {
  const port = Number(NEO4J_ENV.NEO4J_BOLT_PORT);
  if ((await portOpen(port)) && neo4jScript('status') !== 0)
    throw new BenchAbort(`port ${port} is taken by a server that is not the benchmark's own (${HOME_DIR}); pass --port`);
  neo4jScript('start');
  if (neo4jScript('status') !== 0) throw new BenchAbort(`the benchmark's Neo4j (${HOME_DIR}) is not running on port ${port}`);
}

/**
 * Every query through this connection is timed and remembered: executeQuery until its promise settles, session.run
 * (src/graph's readAll/readEach, which stream records) until the session is closed after the last record.
 */
interface Recorder {
  readonly graph: GraphConnection;
  readonly calls: { query: string; params: Record<string, unknown>; start: number; ms: number }[];
}

function recordingConnection(graph: GraphConnection): Recorder {
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

// ---------------------------------------------------------------------------------------------------------------
// Loading the synthetic graph

async function read<T>(graph: GraphConnection, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const { records } = await graph.driver.executeQuery(query, params, { database: graph.database, routing: neo4j.routing.READ });
  return records.map((r) => r.toObject() as T);
}

async function completeLoad(graph: GraphConnection, hash: string): Promise<{ loadSeconds: number; loadedAt: string } | null> {
  const rows = await read<{ loadSeconds: number; loadedAt: string }>(
    graph,
    'MATCH (m:BenchMarker {id: $id}) WHERE m.complete AND m.specHash = $hash RETURN m.loadSeconds AS loadSeconds, m.loadedAt AS loadedAt',
    { id: MARKER, hash },
  );
  return rows[0] ?? null;
}

async function hasData(graph: GraphConnection): Promise<boolean> {
  const rows = await read(graph, 'MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:SchemaMigrationLock RETURN 1 AS one LIMIT 1');
  return rows.length > 0;
}

function progress(line: string, done = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
}

async function load(graph: GraphConnection, spec: GraphSpec): Promise<number> {
  const started = performance.now();
  let total = 0;
  let lastLine = 0;
  for (const step of loadSteps(spec)) {
    const stepStart = performance.now();
    let rows = 0;
    let batch: Record<string, unknown>[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await graph.driver.executeQuery(step.cypher, { rows: batch }, { database: graph.database });
      rows += batch.length;
      total += batch.length;
      batch = [];
      const now = performance.now();
      const line = `  loading ${step.name}: ${rows.toLocaleString('en-US')} rows (${Math.round((rows * 1000) / (now - stepStart)).toLocaleString('en-US')}/s), ${total.toLocaleString('en-US')} in ${((now - started) / 1000).toFixed(0)} s`;
      if (process.stderr.isTTY) progress(line);
      else if (now - lastLine > 10_000) {
        process.stderr.write(`${line}\n`);
        lastLine = now;
      }
    };
    for (const row of step.rows()) {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    progress(
      `  loaded ${step.name}: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - stepStart) / 1000).toFixed(1)} s`,
      true,
    );
  }
  return (performance.now() - started) / 1000;
}

/** Makes sure the benchmark database holds a complete load of `spec`; returns the load time and whether it ran now. */
async function ensureGraph(
  connect: () => Promise<GraphConnection>,
  spec: GraphSpec,
  rebuild: boolean,
): Promise<{ graph: GraphConnection; loadSeconds: number; loadedNow: boolean; loadedAt: string }> {
  let graph = await connect();
  const hash = specHash(spec);
  const existing = rebuild ? null : await completeLoad(graph, hash);
  if (existing) {
    process.stderr.write(`  graph ${hash} already loaded (${existing.loadedAt}, ${existing.loadSeconds.toFixed(0)} s)\n`);
    await applyMigrations(graph, MIGRATIONS);
    return { graph, ...existing, loadedNow: false };
  }
  if (await hasData(graph)) {
    // A partial or different load: a fresh store is far quicker than deleting a million nodes.
    process.stderr.write(`  dropping the benchmark store (${rebuild ? '--rebuild' : 'incomplete or different graph'})\n`);
    await graph.driver.close();
    neo4jScript('stop');
    rmSync(path.join(REPO, HOME_DIR), { recursive: true, force: true });
    await startOwnNeo4j();
    graph = await connect();
  }
  const report = await applyMigrations(graph, MIGRATIONS);
  process.stderr.write(`  migrations applied: ${report.applied.join(', ') || 'none new'}\n`);
  process.stderr.write(`  generating and loading synthetic graph ${hash} in ${BATCH.toLocaleString('en-US')}-row transactions\n`);
  const loadSeconds = await load(graph, spec);
  const loadedAt = new Date().toISOString();
  await graph.driver.executeQuery(
    'CREATE (:BenchMarker {id: $id, specHash: $hash, generatorVersion: $version, complete: true, loadSeconds: $loadSeconds, loadedAt: $loadedAt})',
    { id: MARKER, hash, version: neo4j.int(GENERATOR_VERSION), loadSeconds, loadedAt },
    { database: graph.database },
  );
  process.stderr.write(`  loaded in ${loadSeconds.toFixed(0)} s\n`);
  return { graph, loadSeconds, loadedNow: true, loadedAt };
}

interface GraphSize {
  readonly nodes: number;
  readonly relationships: number;
  readonly byLabel: Record<string, number>;
  readonly byType: Record<string, number>;
}

async function graphSize(graph: GraphConnection): Promise<GraphSize> {
  const count = async (query: string): Promise<number> => Number((await read<{ n: unknown }>(graph, query))[0]?.n ?? 0);
  const byLabel: Record<string, number> = {};
  for (const label of ['Artifact', 'Model', 'Dataset', 'File', 'Package', 'PipelineRun', 'Builder', 'Attestation', 'Key'])
    byLabel[label] = await count(`MATCH (n:${label}) RETURN count(n) AS n`);
  const byType: Record<string, number> = {};
  const types = await read<{ t: string }>(graph, 'CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t ORDER BY t');
  for (const { t } of types) if (/^[A-Z_]+$/.test(t)) byType[t] = await count(`MATCH ()-[r:${t}]->() RETURN count(r) AS n`);
  return {
    nodes: await count('MATCH (n) RETURN count(n) AS n'),
    relationships: await count('MATCH ()-[r]->() RETURN count(r) AS n'),
    byLabel,
    byType,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

interface Case {
  readonly name: string;
  readonly question: string;
  /** p50 target in ms; undefined = reported only. */
  readonly targetMs?: number;
  /** one call; returns a short description of the answer's size, throws BenchAbort when the shape is wrong. */
  readonly op: () => Promise<string>;
}

type AiBomExport = (graph: GraphConnection, digest: string, format: string, options: { timestamp: string }) => Promise<unknown>;

/** src/bom's exportAiBom when another change has added it; loaded by a computed path so this compiles without it. */
async function findAiBom(): Promise<AiBomExport | null> {
  const module = path.join(REPO, 'src/bom/index.ts');
  try {
    const bom = (await import(module)) as Record<string, unknown>;
    return typeof bom['exportAiBom'] === 'function' ? (bom['exportAiBom'] as AiBomExport) : null;
  } catch {
    return null;
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The GraphQL API's default page: its resolvers explain (read the evidence of) only the paths they return. */
const PAGE = 100;

/** What a resolver does with a page: the paths, signers and evidence of the first `n` affected nodes. */
async function explained(result: TraceResult, n: number): Promise<number> {
  const paths = await result.explain(result.affected.slice(0, n));
  const nearest = paths[0];
  if (nearest && nearest.path.length !== nearest.depth)
    throw new BenchAbort(`a depth-${nearest.depth} node came with a ${nearest.path.length}-hop path`);
  return paths.length;
}

function cases(graph: GraphConnection, targets: Targets, aiBom: AiBomExport | null, spec: GraphSpec): Case[] {
  const depth = spec.chainLength;
  const list: Case[] = [
    {
      name: 'trace',
      question: `traceIncident(artifact: foundation ${targets.foundation.name}, maxDepth ${depth}) + explain(first ${PAGE})`,
      targetMs: 250,
      op: async () => {
        const result = await traceIncident(
          graph,
          { kind: 'artifact', digest: targets.foundation.digest },
          { maxDepth: depth, verifiedOnly: false },
        );
        const models = result.byKind.get('MODEL') ?? 0;
        const minimum = spec.branchesPerFoundation * spec.chainLength;
        if (models < minimum) throw new BenchAbort(`trace reached ${models} models, expected >= ${minimum}`);
        await explained(result, PAGE);
        return `${fmt(models)} models`;
      },
    },
    {
      name: 'trace-all',
      question: `the same, every affected node explained (what paging through the whole answer reads, in one call)`,
      op: async () => {
        const result = await traceIncident(
          graph,
          { kind: 'artifact', digest: targets.foundation.digest },
          { maxDepth: depth, verifiedOnly: false },
        );
        const paths = await explained(result, result.affected.length);
        return `${fmt(paths)} paths`;
      },
    },
    {
      name: 'trained-on',
      question: `modelsTrainedOn(dataset ${targets.dataset.name}, transitive, maxDepth 10)`,
      targetMs: 50,
      op: async () => {
        const result = await modelsTrainedOn(graph, targets.dataset.digest, true, 10);
        if (result.affected.length === 0) throw new BenchAbort('modelsTrainedOn found no model');
        await explained(result, PAGE);
        return `${fmt(result.affected.length)} models`;
      },
    },
    {
      name: 'trained-on-big',
      question: `modelsTrainedOn(pretraining corpus ${targets.bigDataset.name}, transitive, maxDepth 10)`,
      op: async () => {
        const result = await modelsTrainedOn(graph, targets.bigDataset.digest, true, 10);
        if (result.affected.length < spec.branchesPerFoundation)
          throw new BenchAbort(`big fan-out found only ${result.affected.length} models`);
        await explained(result, PAGE);
        return `${fmt(result.affected.length)} models`;
      },
    },
    {
      name: 'lineage',
      question: `readLineage(${targets.chainEnd.name}, UPSTREAM, maxDepth ${depth})`,
      targetMs: 20,
      op: async () => {
        const result = await readLineage(graph, targets.chainEnd.digest, 'UPSTREAM', depth);
        const models = result?.nodes.filter((n) => n.kind === 'MODEL' && n.direction === 'UPSTREAM') ?? [];
        if (!result || models.length < depth || !models.some((n) => n.depth === depth))
          throw new BenchAbort(`lineage reached ${models.length} upstream models, expected a ${depth}-deep chain`);
        return `${fmt(result.nodes.length)} nodes, ${fmt(result.edges.length)} edges`;
      },
    },
  ];
  if (aiBom) {
    list.push({
      name: 'ai-bom',
      question: `exportAiBom(${targets.chainEnd.name}, CYCLONEDX_1_6)`,
      targetMs: 50,
      op: async () => {
        const bom = await aiBom(graph, targets.chainEnd.digest, 'CYCLONEDX_1_6', { timestamp: '2026-11-22T00:00:00Z' });
        if (bom === null || bom === undefined) throw new BenchAbort('exportAiBom returned nothing');
        return `${fmt(JSON.stringify(bom).length)} bytes`;
      },
    });
  }
  return list;
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

async function measure(recorder: Recorder, list: readonly Case[], runs: number, warmup: number): Promise<Row[]> {
  const answers = new Map<string, string>();
  for (const c of list) {
    process.stderr.write(`  ${c.name}: checking … `);
    const start = performance.now();
    answers.set(c.name, await c.op());
    process.stderr.write(`${answers.get(c.name)} (${(performance.now() - start).toFixed(0)} ms cold)\n`);
  }
  for (let i = 0; i < warmup; i++) for (const c of list) await c.op();
  const times = list.map(() => [] as number[]);
  const dbTimes = list.map(() => [] as number[]);
  const queryCounts = list.map(() => 0);
  for (let i = 0; i < runs; i++) {
    for (const [index, c] of list.entries()) {
      recorder.calls.length = 0;
      const start = performance.now();
      await c.op();
      times[index]?.push(performance.now() - start);
      dbTimes[index]?.push(busy(recorder.calls));
      queryCounts[index] = recorder.calls.length;
    }
    progress(`  timed round ${i + 1}/${runs}`, i + 1 === runs);
  }
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

async function printPlans(recorder: Recorder, list: readonly Case[], underlying: GraphConnection): Promise<string> {
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

function report(rows: readonly Row[]): string {
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

export async function run(argv: readonly string[]): Promise<number> {
  let options: {
    runs: number;
    warmup: number;
    only?: string[];
    plan: boolean;
    rebuild: boolean;
    keep: boolean;
    json: boolean;
    scale: number;
    port: number;
  };
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        runs: { type: 'string' },
        warmup: { type: 'string' },
        only: { type: 'string' },
        scale: { type: 'string' },
        port: { type: 'string' },
        plan: { type: 'boolean', default: false },
        rebuild: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return EXIT_OK;
    }
    const count = (text: string | undefined, fallback: number, flag: string, min: number): number => {
      const n = text === undefined ? fallback : Number(text);
      if (!Number.isInteger(n) || n < min) throw new TypeError(`${flag} needs an integer >= ${min}, not "${text}"`);
      return n;
    };
    const scale = values.scale === undefined ? 1 : Number(values.scale);
    if (!(scale > 0 && scale <= 1)) throw new TypeError(`--scale needs a number in (0, 1], not "${values.scale}"`);
    options = {
      runs: count(values.runs, 40, '--runs', 1),
      warmup: count(values.warmup, 20, '--warmup', 0),
      ...(values.only === undefined ? {} : { only: values.only.split(',').map((s) => s.trim()) }),
      plan: values.plan,
      rebuild: values.rebuild,
      keep: values.keep,
      json: values.json,
      scale,
      port: count(values.port, DEFAULT_PORT, '--port', 1024),
    };
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  NEO4J_ENV.NEO4J_BOLT_PORT = String(options.port);
  const host = machine();
  const spec = scaledSpec(options.scale);
  const targets = benchTargets(spec);
  const aiBom = await findAiBom();
  process.stderr.write(`query benchmark on ${describeMachine(host)}\n`);
  const connections: GraphConnection[] = [];
  const connect = async (): Promise<GraphConnection> => {
    const graph = connectGraph({ uri: bolt(), database: 'neo4j' });
    connections.push(graph);
    await waitForGraph(graph, 60_000);
    return graph;
  };
  let started = false;
  try {
    await startOwnNeo4j();
    started = true;
    const { graph, loadSeconds, loadedNow, loadedAt } = await ensureGraph(connect, spec, options.rebuild);
    const size = await graphSize(graph);
    const version = (
      await read<{ v: string }>(
        graph,
        "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS v",
      )
    )[0]?.v;
    process.stderr.write(
      `  graph: ${fmt(size.nodes)} nodes, ${fmt(size.relationships)} relationships; Neo4j ${version} heap ${NEO4J_ENV.NEO4J_HEAP} page cache ${NEO4J_ENV.NEO4J_PAGECACHE}\n`,
    );
    const recorder = recordingConnection(graph);
    let list = cases(recorder.graph, targets, aiBom, spec);
    if (options.only) {
      const unknown = options.only.filter((name) => !list.some((c) => c.name === name));
      if (unknown.length > 0) {
        console.error(`unknown case ${unknown.join(', ')}; cases: ${list.map((c) => c.name).join(', ')}`);
        return EXIT_USAGE;
      }
      list = list.filter((c) => options.only?.includes(c.name));
    }
    const rows = await measure(recorder, list, options.runs, options.warmup);
    const plans = options.plan ? await printPlans(recorder, list, graph) : '';
    const aiBomNote = aiBom ? '' : 'ai-bom: not measured (src/bom/index.ts exports no exportAiBom)';
    if (options.json) {
      console.log(
        JSON.stringify(
          {
            benchmark: 'query',
            date: new Date().toISOString(),
            machine: host,
            neo4j: { version, bolt: bolt(), heap: NEO4J_ENV.NEO4J_HEAP, pageCache: NEO4J_ENV.NEO4J_PAGECACHE },
            graph: { spec, specHash: specHash(spec), ...size, loadSeconds, loadedNow, loadedAt },
            targets,
            runs: options.runs,
            warmup: options.warmup,
            rows,
            met: rows.every((r) => r.met !== false),
            ...(aiBom ? {} : { notMeasured: ['ai-bom'] }),
            ...(options.plan ? { plans } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      console.log(report(rows));
      console.log('');
      for (const r of rows) console.log(`${r.case}: ${r.question}`);
      if (aiBomNote) console.log(aiBomNote);
      console.log(
        `graph: ${fmt(size.nodes)} nodes, ${fmt(size.relationships)} relationships, loaded in ${loadSeconds.toFixed(0)} s${loadedNow ? '' : ` (${loadedAt})`}`,
      );
      const counts = (map: Record<string, number>): string =>
        Object.entries(map)
          .map(([name, n]) => `${name} ${fmt(n)}`)
          .join(', ');
      console.log(`  nodes: ${counts(size.byLabel)}`);
      console.log(`  relationships: ${counts(size.byType)}`);
      if (plans) console.log(`\n${plans}`);
    }
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof BenchAbort)) throw err;
    console.error(`query benchmark aborted: ${err.message}`);
    return EXIT_ABORTED;
  } finally {
    for (const c of connections) await c.driver.close().catch(() => undefined);
    if (started && !options.keep) neo4jScript('stop');
  }
}

// `npm run bench -- query`: latency of the graph questions (src/graph: traceIncident, modelsTrainedOn, readLineage,
// and src/bom's AI-BOM export) on a synthetic lineage graph of ~1 M nodes (synthetic-graph.ts), in the
// benchmark's own Neo4j (port 7698, .data/neo4j-bench) so the shared dev/test database stays small.
//
// The graph is generated and loaded once (parameterised UNWIND batches, one transaction each); a marker node records a
// complete load of this exact spec, so later runs go straight to measuring. `--rebuild` forces a fresh load.
// Each case's answer is first checked against the exact one, computed from the generator's rows without Neo4j
// (query-expected.ts, query-bom.ts): the same nodes at the same depths in the same order, every explained path an
// existing shortest path with its edges' evidence, the lineage's nodes and edges, the AI-BOM's components and
// attestations; a wrong answer aborts the run (exit 1) before anything is timed. Then each case is warmed up and timed
// round-robin with the others (so drifting background load hits every case alike), and the last timed answer is checked
// again. `--plan` prints each case's queries under PROFILE.
//
// This file holds the options, the cases (a table of eight, hence a little over 300 lines) and the run; query-check.ts
// the trace checks, query-server.ts the benchmark's Neo4j and the load, query-measure.ts the timing, plans and table.

//
// Over 300 lines: the cases, their answer checks and the report belong to one benchmark; the server, the load and
// the measuring are in query-server.ts, synthetic-*.ts and query-measure.ts.
import { exportAiBom } from '../../src/bom/index.ts';
import {
  connectGraph,
  modelsTrainedOn,
  readLineage,
  traceIncident,
  waitForGraph,
  type GraphConnection,
  type LineageResult,
  type TraceResult,
} from '../../src/graph/index.ts';
import { benchArgs, EXIT_ABORTED, EXIT_OK, EXIT_USAGE, settingsOr } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import { fmt, measure, printPlans, recordingConnection, report, type Case } from './query-measure.ts';
import {
  bolt,
  BenchAbort,
  DEFAULT_PORT,
  ensureGraph,
  graphSize,
  HOME_DIR,
  neo4jScript,
  NEO4J_ENV,
  read,
  startOwnNeo4j,
} from './query-server.ts';
import { checkAiBom } from './query-bom.ts';
import { sameListing, traceCheck, type Traced } from './query-check.ts';
import { DEPENDENCY_TYPES, SyntheticGraph, TRAINING_TYPES } from './query-expected.ts';
import { benchTargets, keyFingerprint, purlOf, scaledSpec, specHash, type GraphSpec, type Targets } from './synthetic-graph.ts';

export const summary = 'p50/p95 of traceIncident, modelsTrainedOn, readLineage (and aiBom) on a ~1 M-node synthetic graph';

const USAGE = `usage: npm run bench -- query [--runs N] [--warmup N] [--only CASE,…] [--plan] [--rebuild] [--keep] [--port N] [--json]

  --runs N      timed calls per case, after warm-up (default 40)
  --warmup N    untimed calls per case first (default 20: a freshly started Neo4j JVM needs them to compile its hot paths)
  --only CASES  run only these cases (comma-separated): trace, trace-all, trace-package, trace-key, trained-on, trained-on-big, lineage, ai-bom
  --plan        also print each case's Cypher under PROFILE (operators, rows, db hits)
  --rebuild     drop the benchmark database and load the synthetic graph again
  --scale X     a smaller graph of the same shape, for trying the benchmark out (default 1; figures need 1)
  --keep        leave the benchmark's Neo4j running afterwards (default: stop it)
  --port N      Bolt port of the benchmark's Neo4j (default ${DEFAULT_PORT}); the benchmark refuses a port where a
                server other than its own (${HOME_DIR}) listens, so it never writes into another database
  --json        print the results as JSON instead of a table
  --help        this text

Neo4j: bolt://127.0.0.1:${DEFAULT_PORT}, home ${HOME_DIR}, heap ${NEO4J_ENV.NEO4J_HEAP}, page cache ${NEO4J_ENV.NEO4J_PAGECACHE} (scripts/neo4j.sh).`;

// ---------------------------------------------------------------------------------------------------------------
// Cases

/** The GraphQL API's default page: its resolvers explain (read the evidence of) only the paths they return. */
const PAGE = 100;

async function traced(result: TraceResult, n: number): Promise<Traced> {
  return { result, paths: await result.explain(result.affected.slice(0, n)) };
}

function cases(graph: GraphConnection, targets: Targets, spec: GraphSpec, oracle: SyntheticGraph): Case[] {
  const depth = spec.chainLength;
  const node = (digest: string): number => {
    const n = oracle.nodeOf(digest);
    if (n === undefined) throw new BenchAbort(`the synthetic graph has no ${digest}`);
    return n;
  };
  const models = (t: Traced) => `${fmt(t.result.byKind.get('MODEL') ?? 0)} models`;
  const foundation = oracle.affected([node(targets.foundation.digest)], DEPENDENCY_TYPES, depth);
  const torchVersions = Array.from({ length: spec.versionsPerPackage }, (_, v) => node(purlOf(0, v)));
  const signed = oracle.signedBy(keyFingerprint(0));
  const keyStarts = oracle.affected([...signed.keys()], DEPENDENCY_TYPES, depth, { startsAffected: true, offset: 1 });
  const signer = { key: keyFingerprint(0), attestations: signed };
  const training = (digest: string) => oracle.affected([node(digest)], TRAINING_TYPES, 10, { kinds: ['MODEL'] });
  const dataset = training(targets.dataset.digest);
  const bigDataset = training(targets.bigDataset.digest);
  const lineage = oracle.lineage(node(targets.chainEnd.digest), depth);

  return [
    {
      name: 'trace',
      question: `traceIncident(artifact: foundation ${targets.foundation.name}, maxDepth ${depth}) + explain(first ${PAGE})`,
      targetMs: 250,
      op: async () =>
        traced(
          await traceIncident(
            graph,
            { kind: 'artifact', digest: targets.foundation.digest },
            { maxDepth: depth, verifiedOnly: false },
          ),
          PAGE,
        ),
      check: traceCheck(oracle, 'trace', foundation, models),
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
        return traced(result, result.affected.length);
      },
      check: traceCheck(oracle, 'trace-all', foundation, (t) => `${fmt(t.paths.length)} paths`),
    },
    {
      name: 'trace-package',
      question: `traceIncident(package pkg:pypi/torch, every version, maxDepth ${depth}) + explain(first ${PAGE})`,
      maxRuns: 5,
      op: async () =>
        traced(
          await traceIncident(graph, { kind: 'package', purl: 'pkg:pypi/torch' }, { maxDepth: depth, verifiedOnly: false }),
          PAGE,
        ),
      check: traceCheck(
        oracle,
        'trace-package',
        oracle.affected(torchVersions, DEPENDENCY_TYPES, depth),
        (t) => `${fmt(t.result.affected.length)} affected, ${fmt(t.result.compromised.length)} versions`,
      ),
    },
    {
      name: 'trace-key',
      question: `traceIncident(key 0: signed ~70% of all attestations, maxDepth ${depth}) + explain(first ${PAGE})`,
      maxRuns: 5,
      op: async () =>
        traced(
          await traceIncident(graph, { kind: 'key', fingerprint: keyFingerprint(0) }, { maxDepth: depth, verifiedOnly: false }),
          PAGE,
        ),
      check: traceCheck(
        oracle,
        'trace-key',
        keyStarts,
        (t) => `${fmt(t.result.affected.length)} affected (${fmt(t.paths.length)} explained)`,
        signer,
      ),
    },
    {
      name: 'trained-on',
      question: `modelsTrainedOn(dataset ${targets.dataset.name}, transitive, maxDepth 10)`,
      targetMs: 50,
      op: async () => traced(await modelsTrainedOn(graph, targets.dataset.digest, true, 10), PAGE),
      check: traceCheck(oracle, 'trained-on', dataset, models),
    },
    {
      name: 'trained-on-big',
      question: `modelsTrainedOn(pretraining corpus ${targets.bigDataset.name}, transitive, maxDepth 10)`,
      op: async () => traced(await modelsTrainedOn(graph, targets.bigDataset.digest, true, 10), PAGE),
      check: traceCheck(oracle, 'trained-on-big', bigDataset, models),
    },
    {
      name: 'lineage',
      question: `readLineage(${targets.chainEnd.name}, UPSTREAM, maxDepth ${depth})`,
      targetMs: 20,
      op: () => readLineage(graph, targets.chainEnd.digest, 'UPSTREAM', depth),
      check: (answer) => {
        const result = answer as LineageResult | null;
        if (!result) throw new BenchAbort('readLineage found no chain end');
        sameListing('lineage nodes', result.nodes.map((n) => `${n.depth} ${n.kind} ${n.key}`).sort(), lineage.nodes);
        sameListing('lineage edges', result.edges.map((e) => `${e.type} ${e.from.key} ${e.to.key}`).sort(), lineage.edges);
        for (const e of result.edges) {
          const edge = oracle.edgeBetween(node(e.from.key), e.type, node(e.to.key));
          const shown = e.evidence.map((v) => v.digest).sort();
          if (edge === undefined || JSON.stringify(shown) !== JSON.stringify(oracle.evidence(edge)))
            throw new BenchAbort(`lineage edge ${e.type} ${e.from.key} ${e.to.key} cites ${shown.join(' ')}`);
        }
        return `${fmt(result.nodes.length)} nodes, ${fmt(result.edges.length)} edges`;
      },
    },
    {
      name: 'ai-bom',
      question: `exportAiBom(${targets.chainEnd.name}, CYCLONEDX_1_6)`,
      targetMs: 50,
      op: () => exportAiBom(graph, targets.chainEnd.digest, 'CYCLONEDX_1_6', { timestamp: '2026-11-22T00:00:00Z' }),
      check: async (answer) => checkAiBom(oracle, answer, node(targets.chainEnd.digest)),
    },
  ];
}

export async function run(argv: readonly string[]): Promise<number> {
  const options = settingsOr(USAGE, () => {
    const values = benchArgs(argv, {
      runs: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      scale: { type: 'string' },
      port: { type: 'string' },
      plan: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    });
    if (values.help) return 'help';
    const count = (text: string | undefined, fallback: number, flag: string, min: number): number => {
      const n = text === undefined ? fallback : Number(text);
      if (!Number.isInteger(n) || n < min) throw new TypeError(`${flag} needs an integer >= ${min}, not "${text}"`);
      return n;
    };
    const scale = values.scale === undefined ? 1 : Number(values.scale);
    if (!(scale > 0 && scale <= 1)) throw new TypeError(`--scale needs a number in (0, 1], not "${values.scale}"`);
    return {
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
  });
  if (typeof options === 'number') return options;

  NEO4J_ENV.NEO4J_BOLT_PORT = String(options.port);
  const host = machine();
  const spec = scaledSpec(options.scale);
  const targets = benchTargets(spec);
  // The exact answers, from the generator's rows (query-expected.ts): built before the server starts, checked before timing.
  const oracleStart = Date.now();
  const oracle = new SyntheticGraph(spec);
  process.stderr.write(`  expected answers computed from the generator in ${((Date.now() - oracleStart) / 1000).toFixed(0)} s\n`);
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
    let list = cases(recorder.graph, targets, spec, oracle);
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

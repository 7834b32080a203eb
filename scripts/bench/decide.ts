// `npm run bench -- decide`: deployment decisions (src/gate `decide`, what POST /v1/decisions and the admission
// webhook call) on the query benchmark's synthetic graph (synthetic-graph.ts, ~1 M nodes at scale 1, loaded by
// query-server.ts into the benchmark's own Neo4j), for the last model of a 10-deep derivation chain: its upstream
// tree within 10 hops (base models, datasets, packages, files, the signers of everything in it) checked against the
// open incidents. Three phases, each answer checked before it is timed:
//
// - `allow`: 100 open incidents (artifacts, package version ranges, identities and keys), none of them upstream of the
//   model: allowed, every reason passed;
// - `deny`: the same plus one covering the model's foundation model, 10 hops up: denied, with the 10-hop path;
// - `sustained`: `allow` decisions started at a fixed rate (default 1,000/s) for some seconds, open loop, each timed
//   from when it was due, so a backlog shows as latency.
import { performance } from 'node:perf_hooks';
import { decide, parseDeployPolicies, type Decision } from '../../src/gate/index.ts';
import { connectGraph, createIncident, waitForGraph, type Compromised, type GraphConnection } from '../../src/graph/index.ts';
import { benchArgs, EXIT_ABORTED, EXIT_OK, settingsOr } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import { bolt, BenchAbort, DEFAULT_PORT, ensureGraph, graphSize, neo4jScript, NEO4J_ENV, startOwnNeo4j } from './query-server.ts';
import { benchTargets, purlOf, scaledSpec } from './synthetic-graph.ts';

export const summary =
  'p50/p99 of deployment decisions (10 hops deep, incidents open) on the ~1 M-node synthetic graph, and at 1,000/s';

const USAGE = `usage: npm run bench -- decide [--runs N] [--warmup N] [--rate N] [--seconds N] [--scale X] [--port N] [--keep] [--json]

  --runs N      timed sequential decisions per phase (default 400)
  --warmup N    untimed decisions first (default 100)
  --rate N      decisions started per second in the sustained phase (default 1000)
  --seconds N   length of the sustained phase (default 10)
  --scale X     a smaller graph of the same shape (default 1; figures need 1)
  --port N      Bolt port of the benchmark's Neo4j (default ${DEFAULT_PORT}; shared with the query benchmark's store)
  --keep        leave the benchmark's Neo4j running afterwards
  --json        print the results as JSON`;

const TARGET = { p50Ms: 5, p99Ms: 20 };
const POLICIES = parseDeployPolicies(
  JSON.stringify({ version: 1, policies: { bench: { signature: {}, maxAgeDays: 36500, upstreamDepth: 10 } } }),
);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

interface Figures {
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function figures(times: number[]): Figures {
  const sorted = times.sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? NaN,
  };
}

async function sequential(op: () => Promise<Decision>, runs: number, warmup: number): Promise<Figures> {
  for (let i = 0; i < warmup; i++) await op();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await op();
    times.push(performance.now() - start);
  }
  return figures(times);
}

/** Open loop: decision i is due at start + i/rate and timed from then; the loop never waits for answers. */
async function sustained(
  op: () => Promise<Decision>,
  rate: number,
  seconds: number,
): Promise<Figures & { achievedPerSecond: number; errors: number; firstError: string }> {
  const total = rate * seconds;
  const times: number[] = [];
  let errors = 0;
  let firstError = '';
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      op().then(
        () => void times.push(performance.now() - due),
        (error: unknown) => {
          errors += 1;
          firstError ||= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  return { ...figures(times), achievedPerSecond: Math.round(times.length / elapsed), errors, firstError };
}

async function resetIncidents(graph: GraphConnection): Promise<void> {
  await graph.driver.executeQuery(
    "MATCH (i:Incident {source: 'bench'}) OPTIONAL MATCH (e:AuditEvent)-[:ABOUT]->(i) DETACH DELETE i, e",
    {},
    { database: graph.database },
  );
}

async function openIncidents(graph: GraphConnection, covers: readonly Compromised[][]): Promise<void> {
  for (const [i, c] of covers.entries())
    await createIncident(graph, {
      title: `bench incident ${i}`,
      description: null,
      source: 'bench',
      reference: null,
      covers: c,
      actor: 'bench',
    });
}

export async function run(argv: readonly string[]): Promise<number> {
  const options = settingsOr(USAGE, () => {
    const values = benchArgs(argv, {
      runs: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      scale: { type: 'string' },
      port: { type: 'string' },
      keep: { type: 'boolean', default: false },
    });
    if (values.help) return 'help';
    const num = (text: string | undefined, fallback: number): number => {
      const n = text === undefined ? fallback : Number(text);
      if (!(n > 0)) throw new TypeError(`expected a positive number, not "${text}"`);
      return n;
    };
    return {
      runs: num(values.runs, 400),
      warmup: num(values.warmup, 100),
      rate: num(values.rate, 1000),
      seconds: num(values.seconds, 10),
      scale: num(values.scale, 1),
      port: num(values.port, DEFAULT_PORT),
      keep: values.keep,
      json: values.json,
    };
  });
  if (typeof options === 'number') return options;
  NEO4J_ENV.NEO4J_BOLT_PORT = String(options.port);
  const host = machine();
  const spec = scaledSpec(options.scale);
  const targets = benchTargets(spec);
  process.stderr.write(`decide benchmark on ${describeMachine(host)}\n`);
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
    const { graph } = await ensureGraph(connect, spec, false);
    const size = await graphSize(graph);
    const model = targets.chainEnd.digest;
    const op = () => decide(graph, POLICIES, { model, policy: 'bench' });

    // 100 incidents none of which is upstream of the model: absent artifacts, torch versions that do not exist,
    // identities and a key that signed nothing here.
    await resetIncidents(graph);
    const unrelated: Compromised[][] = Array.from({ length: 100 }, (_, i) => {
      const hex = (i + 1).toString(16).padStart(64, 'e');
      switch (i % 4) {
        case 0:
          return [{ kind: 'artifact', digest: `sha256:${hex}` }];
        case 1:
          return [{ kind: 'package', purl: purlOf(0, 0).split('@')[0] ?? '', versionRange: `<0.0.${i}` }];
        case 2:
          return [{ kind: 'identity', issuer: 'https://issuer.example', subject: `bench-${i}@example.com` }];
        default:
          return [{ kind: 'key', fingerprint: hex }];
      }
    });
    await openIncidents(graph, unrelated);
    const allowed = await op();
    if (!allowed.allowed)
      throw new BenchAbort(`the chain end is not allowed: ${JSON.stringify(allowed.reasons.filter((r) => !r.passed))}`);
    process.stderr.write(`  allow: as expected (${allowed.reasons.find((r) => r.rule === 'INCIDENT')?.message ?? ''})\n`);
    const allow = await sequential(op, options.runs, options.warmup);
    process.stderr.write(`  allow: p50 ${allow.p50Ms.toFixed(1)} ms, p99 ${allow.p99Ms.toFixed(1)} ms\n`);
    const rate = await sustained(op, options.rate, options.seconds);
    process.stderr.write(
      `  sustained ${options.rate}/s: achieved ${rate.achievedPerSecond}/s, p50 ${rate.p50Ms.toFixed(1)} ms, p99 ${rate.p99Ms.toFixed(1)} ms, errors ${rate.errors}\n`,
    );

    await openIncidents(graph, [[{ kind: 'artifact', digest: targets.foundation.digest }]]);
    const denied = await op();
    const path = denied.reasons.find((r) => r.rule === 'INCIDENT' && !r.passed)?.path ?? [];
    if (denied.allowed || path.length !== spec.chainLength || path.at(-1)?.to !== targets.foundation.digest)
      throw new BenchAbort(
        `expected a denial with a ${spec.chainLength}-hop path to the foundation, got ${JSON.stringify(denied.reasons[0])}`,
      );
    process.stderr.write(`  deny: as expected (${path.length}-hop path to ${targets.foundation.name})\n`);
    const deny = await sequential(op, options.runs, options.warmup);
    await resetIncidents(graph);

    const met = (f: Figures) => f.p50Ms <= TARGET.p50Ms && f.p99Ms <= TARGET.p99Ms;
    const result = {
      benchmark: 'decide',
      date: new Date().toISOString(),
      machine: host,
      loadAverageAtEnd: machine().loadAverage,
      graph: size,
      model: targets.chainEnd.name,
      target: TARGET,
      allow: { ...allow, met: met(allow) },
      deny: { ...deny, met: met(deny) },
      sustained: { rate: options.rate, seconds: options.seconds, ...rate, met: met(rate) && rate.errors === 0 },
    };
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else {
      const row = (name: string, f: Figures, extra = '') =>
        `| ${name} | ${f.n} | ${f.p50Ms.toFixed(1)} | ${f.p95Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} | ${met(f) ? 'met' : 'NOT met'} |${extra}`;
      console.log('| phase | n | p50 ms | p95 ms | p99 ms | max ms | p50 ≤ 5, p99 ≤ 20 |');
      console.log('| --- | --: | --: | --: | --: | --: | --- |');
      console.log(row('allow (100 incidents open)', allow));
      console.log(row('deny (+1 on the foundation, 10 hops up)', deny));
      console.log(
        row(
          `sustained ${options.rate}/s for ${options.seconds} s (achieved ${rate.achievedPerSecond}/s, ${rate.errors} errors)`,
          rate,
        ),
      );
      console.log(
        `graph: ${size.nodes.toLocaleString('en-US')} nodes, ${size.relationships.toLocaleString('en-US')} relationships; load average ${host.loadAverage} at the start, ${result.loadAverageAtEnd} at the end`,
      );
    }
    return EXIT_OK;
  } catch (err) {
    if (!(err instanceof BenchAbort)) throw err;
    console.error(`decide benchmark aborted: ${err.message}`);
    return EXIT_ABORTED;
  } finally {
    for (const c of connections) await c.driver.close().catch(() => undefined);
    if (started && !options.keep) neo4jScript('stop');
  }
}

// `npm run bench -- ingest`: end-to-end ingest throughput — attestations per second from the first submission
// until the last one is committed in Neo4j — against the real Neo4j and Redis (NEO4J_URI, REDIS_URL; the local
// servers by default), with the service as production runs it: the HTTP API in this process and the worker either
// in it too (--workers 0) or in separate `node src/main.ts` processes with ROLE=worker. The documents (signed OMS
// bundles and SLSA provenance envelopes, half each, linked into lineage) are made before the clock starts: signing
// is not ingest. A job completes only after its transaction committed, so "all jobs completed" is "all committed";
// the graph is then audited (test/support/audit.ts): every attestation once, VERIFIED, with its signer, and exactly the
// corpus's edges, each with its complete evidence and nothing twice; else the run aborts. Target: 1,000 attestations/s.
//
// Each run uses a queue and documents of its own (fresh digests; the graph data stays, the queue is obliterated).

//
// Over 300 lines: making the documents, driving the load, checking the graph and reporting are one measured run.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { connectGraph } from '../../src/graph/index.ts';
import { createIngestQueue } from '../../src/ingest/index.ts';
import { createLogger } from '../../src/log.ts';
import { startService, type RunningService } from '../../src/main.ts';
import { policyFor } from '../../test/support/attest.ts';
import { auditCorpus, summarize } from '../../test/support/audit.ts';
import { lineageCorpus, type Corpus } from '../../test/support/corpus.ts';
import { startServiceProcess, type ServiceProcess } from '../../test/support/worker-process.ts';
import { BenchAbort, benchArgs, EXIT_ABORTED, EXIT_OK, settingsOr } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import { markdownTable } from './table.ts';
import { inParallel } from './harness.ts';
import { measureCeiling, type Ceiling } from './ingest-ceiling.ts';
import { measureFloor, type Floor } from './ingest-floor.ts';
import { cpuMeter, localServerPids } from './process-cpu.ts';

export const summary = 'end-to-end attestations/s, submit → committed in Neo4j, real Neo4j + Redis (target 1,000/s)';

const TARGET = 1000;

const USAGE = `usage: npm run bench -- ingest [--count N] [--workers N,…] [--concurrency N,…] [--via http|queue] [--json]

  --count N          attestations per measured run, even (default 10000; half OMS signatures, half SLSA provenance)
  --workers N,…      worker processes (node src/main.ts, ROLE=worker); 0 = the worker runs in the API process
                     (default 1). A list runs every combination with --concurrency.
  --concurrency N,…  WORKER_CONCURRENCY of each worker (default 32)
  --submitters N     submissions in flight at once (default 64)
  --via WAY,…        how documents go in (a list runs each): http (POST /v1/attestations, one document a
                     request, default), batch (POST /v1/batches, 1,000 documents a request), queue (the API's
                     own enqueue call, without HTTP), cli (the user's path: the documents as files in a folder
                     and \`mpg ingest --wait\` on it, timed until it exits with every verdict known)
  --warmup N         attestations ingested first, untimed, in each run (JIT, Neo4j plan cache; default 1000)
  --ceiling N        first measure N empty write transactions against Neo4j alone, the most any ingest could
                     commit (default 10000; 0 skips it)
  --floor N          then measure N submissions through the same HTTP API, BullMQ queue and worker, each job one
                     empty write transaction and nothing else (no verification, no lineage): what the components
                     alone allow (default 10000; 0 skips it)
  --json             print the results as JSON instead of a table
  --help             this text

Environment: NEO4J_URI (bolt://127.0.0.1:7687), REDIS_URL (redis://127.0.0.1:6379); start the local servers
with \`npm run services -- up\`.`;

const WAYS = ['http', 'batch', 'queue', 'cli'] as const;
type Via = (typeof WAYS)[number];
/** Documents per request with --via batch: mpg ingest's default --batch-size. */
const BATCH = 1000;

interface Settings {
  readonly count: number;
  readonly workers: number;
  readonly concurrency: number;
  readonly submitters: number;
  readonly via: Via;
  readonly warmup: number;
}

interface Row extends Settings {
  readonly seconds: number;
  readonly perSecond: number;
  /** seconds until every submission was accepted. */
  readonly submitSeconds: number;
  /** CPU milliseconds per attestation, by process, where it could be read (/proc). */
  readonly cpuMsPerAttestation: Readonly<Record<string, number>>;
  readonly retried: number;
}

function list(text: string | undefined, fallback: number, flag: string, min: number): number[] {
  if (text === undefined) return [fallback];
  return text.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n < min) throw new TypeError(`${flag} takes integers ≥ ${min}, not "${part}"`);
    return n;
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new BenchAbort(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One measured run: fresh queue, fresh documents, its own worker processes. */
async function measure(settings: Settings, env: { NEO4J_URI: string; REDIS_URL: string }, tmp: string): Promise<Row> {
  const runId = randomUUID().slice(0, 8);
  const queueName = `bench-ingest-${runId}`;
  const make = (count: number, tag: string): Corpus => lineageCorpus({ models: Math.ceil(count / 2), tag });
  process.stderr.write(`  [${runId}] signing ${settings.warmup + settings.count} documents …\n`);
  const warm = make(settings.warmup, `bench-${runId}-warmup`);
  const corpus = make(settings.count, `bench-${runId}`);
  const { documents } = corpus;
  const policyFile = path.join(tmp, `policy-${runId}.json`);
  writeFileSync(policyFile, JSON.stringify(policyFor(...warm.signers, ...corpus.signers)));

  const serviceEnv: Record<string, string> = {
    ...env,
    QUEUE_NAME: queueName,
    PORT: '0',
    TRUST_POLICY_FILE: policyFile,
    WORKER_CONCURRENCY: String(settings.concurrency),
    LOG_LEVEL: 'error',
  };
  const api: RunningService = await startService(
    loadConfig({ ...serviceEnv, ROLE: settings.workers === 0 ? 'all' : 'api' }),
    createLogger('error'),
  );
  const workers: ServiceProcess[] = [];
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection: redis });
  const direct = createIngestQueue({ redisUrl: env.REDIS_URL, queueName, attempts: 12 });
  const graph = connectGraph({ uri: env.NEO4J_URI, database: 'neo4j' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.submitters });
  try {
    for (let i = 0; i < settings.workers; i++) workers.push(await startServiceProcess({ ...serviceEnv, ROLE: 'worker' }));
    const submitOne = async (bytes: Buffer, origin: string): Promise<void> => {
      if (settings.via === 'queue') {
        await direct.submit(bytes, { origin, collector: 'bench', receivedAt: new Date().toISOString() });
        return;
      }
      const { status, body } = await post(agent, `${api.url}/v1/attestations?origin=${origin}`, bytes);
      if (status !== 202) throw new BenchAbort(`submission answered ${status}: ${body}`);
    };
    const submitBatch = async (batch: readonly { bytes: Buffer }[], origin: string): Promise<void> => {
      const lines = batch.map((d) => JSON.stringify({ document: d.bytes.toString('base64') }));
      const { status, body } = await post(agent, `${api.url}/v1/batches?origin=${origin}`, Buffer.from(lines.join('\n')));
      if (status !== 202) throw new BenchAbort(`batch answered ${status}: ${body}`);
    };
    /** Submits every document the way the run says; with --via cli, runs the CLI until every verdict is in. */
    const submitAll = async (docs: readonly { bytes: Buffer }[], origin: string, onAccepted: () => void): Promise<void> => {
      if (docs.length === 0) return;
      if (settings.via === 'cli') return ingestWithCli(docs, api.url, path.join(tmp, `${runId}-${origin}`));
      if (settings.via !== 'batch')
        return inParallel(docs, settings.submitters, async (d) => {
          await submitOne(d.bytes, origin);
          onAccepted();
        });
      const batches = Array.from({ length: Math.ceil(docs.length / BATCH) }, (_, i) => docs.slice(i * BATCH, (i + 1) * BATCH));
      return inParallel(batches, Math.min(settings.submitters, 4), async (batch) => {
        await submitBatch(batch, origin);
        for (let i = 0; i < batch.length; i++) onAccepted();
      });
    };
    // Done when every submission was accepted (its job exists) and no job is left to run. Not "completed ≥ n":
    // the queue keeps only the latest finished jobs (removeOnComplete in src/ingest/queue.ts).
    let accepted = false;
    const finished = async (): Promise<boolean> => {
      const counts = await queue.getJobCounts('failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if ((counts['failed'] ?? 0) > 0) throw new BenchAbort(`${counts['failed']} jobs failed`);
      const left = Object.entries(counts).reduce((sum, [state, n]) => (state === 'failed' ? sum : sum + n), 0);
      return accepted && left === 0;
    };

    process.stderr.write(`  [${runId}] warm-up: ${warm.documents.length} attestations …\n`);
    await submitAll(warm.documents, 'bench-warmup', () => undefined);
    accepted = true;
    await waitUntil(finished, 300_000, 'the warm-up');
    accepted = false;

    const pids: Record<string, number> = { ...localServerPids(env.NEO4J_URI, env.REDIS_URL) };
    workers.forEach((w, i) => (pids[`worker ${i + 1}`] = w.pid));
    const processCpu = cpuMeter(pids);
    const selfBefore = process.cpuUsage();

    process.stderr.write(`  [${runId}] measuring ${documents.length} attestations …\n`);
    const start = performance.now();
    let submitted = 0;
    const submitting = submitAll(documents, 'bench', () => submitted++).then(() => {
      if (settings.via === 'cli') submitted = documents.length;
      accepted = true;
      return performance.now();
    });
    // a rejected submission ends the wait at once instead of after the timeout
    await Promise.race([
      waitUntil(finished, 600_000, `committing ${documents.length} attestations`),
      submitting.then(() => new Promise<never>(() => undefined)),
    ]);
    const end = performance.now();
    const submitEnd = await submitting;
    if (submitted !== documents.length) throw new BenchAbort(`only ${submitted} submissions were accepted`);

    const self = process.cpuUsage(selfBefore);
    const cpu: Record<string, number> = {
      [settings.workers === 0 ? 'api + worker' : 'api']: (self.user + self.system) / 1000,
      ...processCpu(),
    };

    // The durable record: every document one Attestation node, VERIFIED, with its signer, and exactly the corpus's
    // edges with their complete evidence, nothing twice (outside the timing).
    const audit = await auditCorpus(graph, corpus);
    const problems = [audit.missing, audit.duplicated, audit.wrong, audit.duplicateNodes, audit.duplicateEvidence]
      .concat([audit.missingEdges, audit.unexpectedEdges])
      .some((list) => list.length > 0);
    if (problems || audit.attestations !== documents.length)
      throw new BenchAbort(`the graph does not hold the ${documents.length} attestations exactly: ${summarize(audit)}`);
    // among the finished jobs the queue still keeps (the latest 10,000)
    const retried = (await queue.getJobs(['completed'], 0, -1)).filter((job) => job.attemptsMade > 1).length;

    const seconds = (end - start) / 1000;
    return {
      ...settings,
      seconds,
      perSecond: documents.length / seconds,
      submitSeconds: (submitEnd - start) / 1000,
      cpuMsPerAttestation: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, ms / documents.length])),
      retried,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await api.close();
    await direct.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await graph.driver.close();
    agent.destroy();
  }
}

/**
 * The user's path: every document a file in a folder (as an export of signed provenance is), then `mpg ingest --wait`
 * on it as a subprocess, as a person types it. Resolves when it exits having reported a verdict for every document,
 * all verified; anything else aborts the run.
 */
async function ingestWithCli(docs: readonly { bytes: Buffer }[], url: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  docs.forEach((d, i) => writeFileSync(path.join(dir, `${String(i).padStart(7, '0')}.dsse`), d.bytes));
  const cli = path.join(import.meta.dirname, '../../src/cli/main.ts');
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, 'ingest', '--url', url, '--wait', '--quiet', '--json', dir]);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
  });
  rmSync(dir, { recursive: true, force: true });
  const summary = (code === 0 ? JSON.parse(stdout) : {}) as { verified?: number };
  if (summary.verified !== docs.length)
    throw new BenchAbort(
      `mpg ingest exited ${code} with ${summary.verified ?? 0} of ${docs.length} verified: ${stderr}${stdout}`,
    );
}

/**
 * POST with node:http and a keep-alive agent: the load generator shares the machine with the service, and
 * fetch (undici, web streams) costs it several times more CPU per request.
 */
function post(agent: http.Agent, url: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-length': body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const fixed = (n: number, digits: number): string => n.toFixed(digits);

function report(rows: readonly Row[], ceiling: Ceiling | undefined, floor: Floor | undefined): string {
  const processes = [...new Set(rows.flatMap((r) => Object.keys(r.cpuMsPerAttestation)))];
  const table = markdownTable(
    [
      { title: 'workers', align: 'right', cell: (r: Row) => (r.workers === 0 ? 'in API' : String(r.workers)) },
      { title: 'concurrency', align: 'right', cell: (r: Row) => String(r.concurrency) },
      { title: 'via', align: 'left', cell: (r: Row) => r.via },
      { title: 'attestations', align: 'right', cell: (r: Row) => r.count.toLocaleString('en-US') },
      { title: 'seconds', align: 'right', cell: (r: Row) => fixed(r.seconds, 2) },
      { title: 'attestations/s', align: 'right', cell: (r: Row) => Math.round(r.perSecond).toLocaleString('en-US') },
      ...processes.map((name) => ({
        title: `CPU ms/att ${name}`,
        align: 'right' as const,
        cell: (r: Row) => {
          const ms = r.cpuMsPerAttestation[name];
          return ms === undefined ? '' : fixed(ms, 2);
        },
      })),
    ],
    rows,
  );
  const best = Math.max(...rows.map((r) => r.perSecond));
  const base =
    ceiling === undefined
      ? ''
      : `\nceiling: Neo4j alone, empty write transactions (one CREATE each, ${ceiling.concurrency} at once): ${Math.round(ceiling.perSecond).toLocaleString('en-US')}/s${ceiling.neo4jCpuMs === undefined ? '' : `, Neo4j CPU ${fixed(ceiling.neo4jCpuMs, 2)} ms each`}; best ingest run ${Math.round((best / ceiling.perSecond) * 100)}% of it`;
  const floorLine =
    floor === undefined
      ? ''
      : `\nfloor: the same HTTP API, BullMQ queue and worker (in the API process, concurrency ${floor.concurrency}), each job one empty write transaction and nothing else: ${Math.round(floor.perSecond).toLocaleString('en-US')}/s, CPU ms/job ${Object.entries(
          floor.cpuMsPerJob,
        )
          .map(([name, ms]) => `${name} ${fixed(ms, 2)}`)
          .join(', ')}; best ingest run ${Math.round((best / floor.perSecond) * 100)}% of it`;
  return `${table}\n\ntarget: ≥ ${TARGET.toLocaleString('en-US')} attestations/s end to end: best ${Math.round(best).toLocaleString('en-US')}/s, ${best >= TARGET ? 'met' : 'NOT met'}${base}${floorLine}`;
}

export async function run(argv: readonly string[]): Promise<number> {
  const settings = settingsOr(USAGE, () => {
    const values = benchArgs(argv, {
      count: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      submitters: { type: 'string' },
      via: { type: 'string' },
      warmup: { type: 'string' },
      ceiling: { type: 'string' },
      floor: { type: 'string' },
    });
    if (values.help) return 'help';
    const [count = 10_000] = list(values.count, 10_000, '--count', 2);
    if (count % 2 !== 0) throw new TypeError(`--count must be even (an OMS signature and a provenance per model), not ${count}`);
    const [submitters = 64] = list(values.submitters, 64, '--submitters', 1);
    const [warmup = 1000] = list(values.warmup, 1000, '--warmup', 0);
    const ways = (values.via ?? 'http').split(',').map((way) => {
      if (!(WAYS as readonly string[]).includes(way)) throw new TypeError(`--via takes ${WAYS.join(', ')}, not "${way}"`);
      return way as Via;
    });
    const plan: Settings[] = ways.flatMap((via) =>
      list(values.workers, 1, '--workers', 0).flatMap((workers) =>
        list(values.concurrency, 32, '--concurrency', 1).map((concurrency) => ({
          count,
          workers,
          concurrency,
          submitters,
          via,
          warmup,
        })),
      ),
    );
    const [ceilingWrites = 10_000] = list(values.ceiling, 10_000, '--ceiling', 0);
    const [floorJobs = 10_000] = list(values.floor, 10_000, '--floor', 0);
    return { plan, json: values.json, ceilingWrites, floorJobs };
  });
  if (typeof settings === 'number') return settings;
  const { plan, json, ceilingWrites, floorJobs } = settings;

  const env = {
    NEO4J_URI: process.env['NEO4J_URI'] || 'bolt://127.0.0.1:7687',
    REDIS_URL: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379',
  };
  const now = new Date();
  const host = machine();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mpg-bench-ingest-'));
  const rows: Row[] = [];
  let ceiling: Ceiling | undefined;
  let floor: Floor | undefined;
  try {
    process.stderr.write(`ingest benchmark on ${describeMachine(host)}\n  Neo4j ${env.NEO4J_URI}, Redis ${env.REDIS_URL}\n`);
    if (ceilingWrites > 0) {
      const width = Math.max(...plan.map((p) => p.concurrency * Math.max(1, p.workers)));
      ceiling = await measureCeiling(env, ceilingWrites, width);
      process.stderr.write(`ceiling: ${Math.round(ceiling.perSecond)} empty write transactions/s at concurrency ${width}\n`);
    }
    if (floorJobs > 0) {
      const [first] = plan;
      const warmup = Math.min(1000, floorJobs);
      process.stderr.write(`floor: signing ${warmup + floorJobs} documents …\n`);
      const documents = lineageCorpus({
        models: Math.ceil((warmup + floorJobs) / 2),
        tag: `bench-floor-${randomUUID().slice(0, 8)}`,
      })
        .documents.slice(0, warmup + floorJobs)
        .map((d) => d.bytes);
      floor = await measureFloor(env, {
        documents,
        warmup,
        concurrency: first?.concurrency ?? 32,
        submitters: first?.submitters ?? 64,
        post,
      });
      process.stderr.write(`floor: ${Math.round(floor.perSecond)} jobs/s through HTTP, BullMQ and one empty transaction each\n`);
    }
    for (const settings of plan) {
      process.stderr.write(
        `run: ${settings.workers === 0 ? 'worker in the API process' : `${settings.workers} worker process(es)`}, concurrency ${settings.concurrency}, via ${settings.via}\n`,
      );
      const row = await measure(settings, env, tmp);
      process.stderr.write(`  ${Math.round(row.perSecond)} attestations/s (${fixed(row.seconds, 2)} s)\n`);
      rows.push(row);
    }
  } catch (err) {
    if (!(err instanceof BenchAbort)) throw err;
    console.error(`ingest benchmark aborted: ${err.message}`);
    return EXIT_ABORTED;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (json) {
    const best = Math.max(...rows.map((r) => r.perSecond));
    console.log(
      JSON.stringify(
        {
          benchmark: 'ingest',
          date: now.toISOString(),
          machine: host,
          target: { perSecond: TARGET, met: best >= TARGET },
          ...(ceiling ? { ceiling } : {}),
          ...(floor ? { floor } : {}),
          rows,
        },
        null,
        2,
      ),
    );
  } else {
    console.log(report(rows, ceiling, floor));
  }
  return EXIT_OK;
}

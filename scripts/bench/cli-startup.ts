// `npm run bench -- cli-startup`: how long a person or a script waits for `mpg` — wall time of whole processes, start
// to exit: `verify-model --help`, and `verify-model` verifying a 20-file model signed in key mode, each against
// `node -e ''` (the floor: starting Node itself) in the same run. One more row loads every command module at once,
// which is what `mpg` did before commands were imported lazily (src/cli/main.ts), and one verifies without Node's
// compile cache (src/cli/main.ts enables it), as the first run after an install does. Target: `--help` and the
// verification well under a second (median below 1 s).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { newSigner, omsStatement, signBundle } from '../../test/support/attest.ts';
import { EXIT_ABORTED, EXIT_OK, EXIT_USAGE } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import { markdownTable } from './table.ts';

export const summary = "mpg verify-model start-up: --help and a 20-file verification, whole processes, vs node -e ''";

const REPO = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(REPO, 'src/cli/main.ts');
const TARGET_MS = 1000;
const FILES = 20;
const FILE_BYTES = 64 * 1024;

const USAGE = `usage: npm run bench -- cli-startup [--runs N] [--json]

  --runs N   processes per case (default 10), started in turn so every case sees the same load
  --json     print the results as JSON instead of a table
  --help     this text`;

interface Case {
  readonly name: string;
  readonly what: string;
  readonly args: readonly string[];
  /** extra environment, e.g. NODE_DISABLE_COMPILE_CACHE for a start without the compile cache. */
  readonly env?: Readonly<Record<string, string>>;
  /** checks one run's output; throws to abort the benchmark. */
  readonly check: (stdout: string) => void;
}

interface Row {
  readonly case: string;
  readonly what: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** median minus the floor's median: what `mpg` adds to starting Node. */
  readonly overFloorMs: number;
  /** median CPU time (user + system) of the process, when /proc tells it. */
  readonly medianCpuMs?: number;
}

class BenchAbort extends Error {}

/** A model of FILES files (pseudo-random hex text), its OMS signature (key mode, P-256) and the public key, in `dir`. */
function signedModel(dir: string): { model: string; bundle: string; key: string } {
  const model = path.join(dir, 'model');
  mkdirSync(model);
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    let content = '';
    for (let n = 0; content.length < FILE_BYTES; n++) content += createHash('sha256').update(`${i}:${n}`).digest('hex');
    const name = `shard-${String(i).padStart(2, '0')}.bin`;
    files[name] = content.slice(0, FILE_BYTES);
    writeFileSync(path.join(model, name), files[name]);
  }
  const signer = newSigner('P-256');
  const bundle = path.join(dir, 'model.sig');
  writeFileSync(bundle, signBundle(omsStatement('bench/cli-startup', files).doc, signer));
  const key = path.join(dir, 'key.pem');
  writeFileSync(key, signer.publicKeyPem);
  return { model, bundle, key };
}

function cases(dir: string): Case[] {
  const { model, bundle, key } = signedModel(dir);
  const none = () => undefined;
  const commands = ['serve', 'migrate', 'submit', 'ingest', 'failed', 'trace', 'lineage', 'models-from-dataset', 'bom']
    .concat(['verify-model', 'verify-bundle'])
    .map((name) => `await import(${JSON.stringify(path.join(REPO, 'src/cli/commands', `${name}.ts`))});`)
    .join(' ');
  return [
    { name: 'node-floor', what: "node -e ''", args: ['-e', ''], check: none },
    {
      name: 'help',
      what: 'mpg verify-model --help',
      args: [CLI, 'verify-model', '--help'],
      check: (out) => {
        if (!out.startsWith('usage: mpg verify-model')) throw new BenchAbort(`--help printed ${out.slice(0, 80)}`);
      },
    },
    {
      name: 'verify-20-files',
      what: `mpg verify-model --method key (${FILES} files of ${FILE_BYTES / 1024} KiB)`,
      args: [CLI, 'verify-model', '--method', 'key', '--model-path', model, '--bundle', bundle, '--public-key', key],
      check: (out) => {
        if (!out.startsWith(`verified by key: ${FILES} resources`)) throw new BenchAbort(`verification printed ${out}`);
      },
    },
    {
      name: 'verify-no-cache',
      what: 'the same verification without the compile cache (as the first run)',
      args: [CLI, 'verify-model', '--method', 'key', '--model-path', model, '--bundle', bundle, '--public-key', key],
      env: { NODE_DISABLE_COMPILE_CACHE: '1' },
      check: (out) => {
        if (!out.startsWith(`verified by key: ${FILES} resources`)) throw new BenchAbort(`verification printed ${out}`);
      },
    },
    {
      name: 'all-commands',
      what: 'import every command module (what mpg loaded before lazy commands)',
      args: ['--input-type=module', '-e', commands],
      check: none,
    },
  ];
}

/**
 * CPU milliseconds of this process's exited children so far (/proc/self/stat cutime + cstime, Linux; 10 ms ticks),
 * undefined elsewhere. Children run one at a time here, so the difference around one run is that run's CPU time:
 * unlike wall time, it hardly grows with the machine's load.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

function once(c: Case): Promise<{ ms: number; cpuMs: number | undefined; stdout: string }> {
  const { args } = c;
  const env = { ...process.env, ...c.env };
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const ms = performance.now() - start;
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      if (error) reject(new BenchAbort(`${args.slice(0, 3).join(' ')} failed: ${error.message} ${stderr}`));
      else resolve({ ms, cpuMs, stdout });
    });
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function measure(all: readonly Case[], runs: number): Promise<Row[]> {
  // one unmeasured run each: the page cache holds the sources afterwards, as it does for a person's second command
  for (const c of all) c.check((await once(c)).stdout);
  const times: number[][] = all.map(() => []);
  const cpu: number[][] = all.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of all.entries()) {
      const { ms, cpuMs, stdout } = await once(c);
      c.check(stdout);
      times[i]?.push(ms);
      if (cpuMs !== undefined) cpu[i]?.push(cpuMs);
    }
  }
  const floor = median(times[0] ?? []);
  return all.map((c, i) => {
    const t = times[i] ?? [];
    return {
      case: c.name,
      what: c.what,
      runs,
      medianMs: median(t),
      minMs: Math.min(...t),
      maxMs: Math.max(...t),
      overFloorMs: median(t) - floor,
      ...((cpu[i]?.length ?? 0) === t.length ? { medianCpuMs: median(cpu[i] ?? []) } : {}),
    };
  });
}

function report(rows: readonly Row[]): string {
  const ms = (x: number) => x.toFixed(0);
  const table = markdownTable(
    [
      { title: 'case', align: 'left', cell: (r: Row) => r.case },
      { title: 'process', align: 'left', cell: (r: Row) => r.what },
      { title: 'median ms', align: 'right', cell: (r: Row) => ms(r.medianMs) },
      { title: 'min ms', align: 'right', cell: (r: Row) => ms(r.minMs) },
      { title: 'max ms', align: 'right', cell: (r: Row) => ms(r.maxMs) },
      { title: 'over floor ms', align: 'right', cell: (r: Row) => (r.case === 'node-floor' ? '' : ms(r.overFloorMs)) },
      { title: 'median CPU ms', align: 'right', cell: (r: Row) => (r.medianCpuMs === undefined ? '' : ms(r.medianCpuMs)) },
    ],
    rows,
  );
  const verdicts = rows
    .filter((r) => r.case === 'help' || r.case === 'verify-20-files')
    .map((r) => `${r.case} ${ms(r.medianMs)} ms ${r.medianMs < TARGET_MS ? 'met' : 'NOT met'}`);
  return `${table}\n\ntarget: median < ${TARGET_MS} ms: ${verdicts.join(', ')}`;
}

export async function run(argv: readonly string[]): Promise<number> {
  let runs: number;
  let json: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { runs: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      console.log(USAGE);
      return EXIT_OK;
    }
    runs = Number(values.runs ?? '10');
    if (!Number.isSafeInteger(runs) || runs < 1) throw new TypeError(`--runs needs a positive integer, not "${values.runs}"`);
    json = values.json;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  const now = new Date();
  const host = machine();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mpg-bench-cli-'));
  let rows: Row[];
  try {
    process.stderr.write(`cli-startup benchmark on ${describeMachine(host)}\n`);
    rows = await measure(cases(tmp), runs);
  } catch (err) {
    if (!(err instanceof BenchAbort)) throw err;
    console.error(`cli-startup benchmark aborted: ${err.message}`);
    return EXIT_ABORTED;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const loadAtEnd = machine().loadAverage;
  if (json) {
    console.log(
      JSON.stringify({ benchmark: 'cli-startup', date: now.toISOString(), machine: host, loadAtEnd, runs, rows }, null, 2),
    );
  } else {
    console.log(`${report(rows)}\n(load ${host.loadAverage} at the start, ${loadAtEnd} at the end)`);
  }
  return EXIT_OK;
}

// `npm run bench -- verify`: verifications per second of src/verify's verifyDocument in key, certificate and keyless
// mode on real signed OMS bundles, against the raw node:crypto ECDSA ceiling (crypto.verify alone over the same PAE
// bytes). Target: key mode at least 50% of its curve's ceiling — the rest of verification (parsing, policy lookup,
// OMS manifest checks) should not cost more than the signature itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchArgs, EXIT_ABORTED, EXIT_OK, EXIT_USAGE, settingsOr } from './benchmark.ts';
import { measureInterleaved } from './harness.ts';
import type { Measurement } from './harness.ts';
import { describeMachine, machine } from './machine.ts';
import { markdownTable } from './table.ts';
import { BenchAbort, verifyCases } from './verify-cases.ts';
import type { BenchCase } from './verify-cases.ts';

export const summary = 'verifyDocument per second (key, certificate, keyless) vs the raw node:crypto ECDSA ceiling';

/** Key mode must reach this share of the matching-curve ceiling. */
const TARGET_RATIO = 0.5;

const USAGE = `usage: npm run bench -- verify [--seconds N] [--warmup N] [--only CASE,…] [--json]

  --seconds N   measured wall time per case, in seconds (default 3)
  --warmup N    warm-up time per case before measuring, in seconds (default 1)
  --only CASES  run only these cases (comma-separated; e.g. to profile one with node --cpu-prof);
                a ratio needs its ceiling case too
  --json        print the results as JSON instead of a table
  --help        this text`;

interface Row extends Measurement {
  readonly case: string;
  readonly mode: BenchCase['mode'];
  readonly curve: string;
  readonly fixture: string;
  readonly ceiling?: string;
  /** opsPerSec / the ceiling's opsPerSec (key mode only). */
  readonly ceilingRatio?: number;
}

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`${flag} needs a positive number of seconds, not "${text}"`);
  return n;
}

async function measureAll(cases: readonly BenchCase[], seconds: number, warmupSeconds: number): Promise<Row[]> {
  // one checked call each first, so a case that does not verify aborts with its reason before any timing
  for (const c of cases) await c.op();
  process.stderr.write(`  warming up ${cases.length} cases, ${warmupSeconds}s each …\n`);
  const measured = await measureInterleaved(
    cases.map((c) => c.op),
    { seconds, warmupSeconds },
  );
  process.stderr.write(`  measured ${seconds}s each, interleaved\n`);
  const rows = cases.map((c, i): Row => ({ case: c.name, mode: c.mode, curve: c.curve, fixture: c.fixture, ...measured[i]! }));
  return rows.map((r, i) => {
    const ceiling = cases[i]?.ceiling;
    const base = rows.find((b) => b.case === ceiling);
    return {
      ...r,
      ...(ceiling === undefined ? {} : { ceiling }),
      ...(base === undefined ? {} : { ceilingRatio: r.opsPerSec / base.opsPerSec }),
    };
  });
}

const percent = (r: number): string => `${(r * 100).toFixed(1)}%`;

function report(rows: readonly Row[]): string {
  const table = markdownTable(
    [
      { title: 'case', align: 'left', cell: (r: Row) => r.case },
      { title: 'mode', align: 'left', cell: (r: Row) => r.mode },
      { title: 'curve', align: 'left', cell: (r: Row) => r.curve },
      { title: 'verifications/s', align: 'right', cell: (r: Row) => Math.round(r.opsPerSec).toLocaleString('en-US') },
      { title: 'mean µs/op', align: 'right', cell: (r: Row) => r.meanUs.toFixed(1) },
      { title: 'vs ceiling', align: 'right', cell: (r: Row) => (r.ceilingRatio === undefined ? '' : percent(r.ceilingRatio)) },
    ],
    rows,
  );
  const verdicts = rows
    .filter((r) => r.ceilingRatio !== undefined)
    .map((r) => `${r.case} ${percent(r.ceilingRatio ?? 0)} ${(r.ceilingRatio ?? 0) >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  return `${table}\n\ntarget: key mode >= ${percent(TARGET_RATIO)} of the same-curve ceiling: ${verdicts.join(', ')}`;
}

export async function run(argv: readonly string[]): Promise<number> {
  const settings = settingsOr(USAGE, () => {
    const values = benchArgs(argv, { seconds: { type: 'string' }, warmup: { type: 'string' }, only: { type: 'string' } });
    if (values.help) return 'help';
    return {
      seconds: positive(values.seconds, 3, '--seconds'),
      warmupSeconds: positive(values.warmup, 1, '--warmup'),
      json: values.json,
      only: values.only?.split(',').map((name) => name.trim()),
    };
  });
  if (typeof settings === 'number') return settings;
  const { seconds, warmupSeconds, json, only } = settings;

  const now = new Date();
  const host = machine();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mpg-bench-verify-'));
  let rows: Row[];
  try {
    process.stderr.write(`verify benchmark on ${describeMachine(host)}\n`);
    const cases = verifyCases(now, tmp);
    const unknown = only?.filter((name) => !cases.some((c) => c.name === name)) ?? [];
    if (unknown.length > 0) {
      console.error(`unknown case ${unknown.join(', ')}; cases: ${cases.map((c) => c.name).join(', ')}`);
      return EXIT_USAGE;
    }
    const selected = only === undefined ? cases : cases.filter((c) => only.includes(c.name));
    rows = await measureAll(selected, seconds, warmupSeconds);
  } catch (err) {
    if (!(err instanceof BenchAbort)) throw err;
    console.error(`verify benchmark aborted, a case did not verify: ${err.message}`);
    return EXIT_ABORTED;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (json) {
    const target = {
      ratio: TARGET_RATIO,
      met: rows.every((r) => r.ceilingRatio === undefined || r.ceilingRatio >= TARGET_RATIO),
    };
    console.log(
      JSON.stringify(
        { benchmark: 'verify', date: now.toISOString(), machine: host, seconds, warmupSeconds, target, rows },
        null,
        2,
      ),
    );
  } else {
    console.log(report(rows));
  }
  return EXIT_OK;
}

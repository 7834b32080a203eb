// `npm run bench -- <name> [options]`: runs one benchmark. Adding a benchmark is one line in BENCHMARKS: a module
// exporting `summary` and `run(argv)` (benchmark.ts). Modules load lazily so one benchmark's imports never slow
// or break another's.

import { EXIT_USAGE } from './benchmark.ts';
import type { Benchmark } from './benchmark.ts';

const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  verify: () => import('./verify.ts'),
  query: () => import('./query.ts'),
  ingest: () => import('./ingest.ts'),
  'cli-startup': () => import('./cli-startup.ts'),
  bom: () => import('./bom.ts'),
};

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(BENCHMARKS).map(async ([name, load]) => `  ${name.padEnd(12)} ${(await load()).summary}`),
  );
  return [
    'usage: npm run bench -- <name> [options]     (`npm run bench -- <name> --help` for its options)',
    '',
    'benchmarks:',
    ...lines,
  ].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  console.log(await usage());
} else {
  const load = name === undefined ? undefined : BENCHMARKS[name];
  if (load === undefined) {
    if (name !== undefined) console.error(`unknown benchmark "${name}"\n`);
    console.error(await usage());
    process.exitCode = EXIT_USAGE;
  } else {
    process.exitCode = await (await load()).run(rest);
  }
}

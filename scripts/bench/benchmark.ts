// What every benchmark module exports, so main.ts can list and run it without knowing more about it, and the option
// handling they share.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

export interface Benchmark {
  /** one line for `npm run bench -- --help`. */
  readonly summary: string;
  /** runs with the arguments after the benchmark's name; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/** Exit codes shared by all benchmarks: 2 is a usage error, 1 a benchmark that could not produce valid figures. */
export const EXIT_OK = 0;
export const EXIT_ABORTED = 1;
export const EXIT_USAGE = 2;

/** A run that cannot produce valid figures (a wrong answer, writes that did not land): reported, exit EXIT_ABORTED. */
export class BenchAbort extends Error {}

/** A benchmark's options with the two every benchmark takes: `--json` (print the results as JSON) and `--help`. */
export function benchArgs<const O extends ParseArgsOptionsConfig>(argv: readonly string[], options: O) {
  return parseArgs({
    args: [...argv],
    options: { ...options, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } as const,
  }).values;
}

/**
 * The settings `read` makes of the arguments, or the exit code: `'help'` prints `usage` (EXIT_OK), a thrown error
 * its message and `usage` (EXIT_USAGE).
 */
export function settingsOr<T>(usage: string, read: () => T | 'help'): T | number {
  try {
    const settings = read();
    if (settings !== 'help') return settings;
    console.log(usage);
    return EXIT_OK;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return EXIT_USAGE;
  }
}

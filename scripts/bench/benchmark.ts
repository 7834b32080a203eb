// What every benchmark module exports, so main.ts can list and run it without knowing more about it.

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

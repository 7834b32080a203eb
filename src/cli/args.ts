// The one argument parser of the CLI: node:util parseArgs, with errors that name the command's --help, plus
// argparse-style list options and paths resolved where the user ran the command.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  readonly code = 'USAGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` against `options` (strict: an unknown option or a missing value is a UsageError). Options named in
 * `lists` take every following value up to the next `--option`, as Python argparse's `nargs='+'` does — the OMS
 * conformance protocol passes `--cert-chain A B` and `--ignore-paths X Y` that way; declare them `multiple: true`.
 */
export function parse<T extends Options>(argv: string[], options: T, lists: readonly (keyof T & string)[] = []) {
  try {
    return parseArgs({ args: expandLists(argv, lists), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--list a b --x` → `--list=a --list=b --x`, so parseArgs sees one value per occurrence (even one starting with `-`). */
function expandLists(argv: readonly string[], lists: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name === undefined || !lists.includes(name)) {
      out.push(arg);
      continue;
    }
    let values = 0;
    while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) {
      out.push(`--${name}=${argv[++i] as string}`);
      values += 1;
    }
    if (values === 0) throw new UsageError(`option --${name} needs at least one value`);
  }
  return out;
}

/**
 * A path the user typed, made absolute against the directory they ran the command from: `npm run cli` runs in the
 * project folder, so npm's INIT_CWD (the caller's directory) comes first, then the process's own directory.
 */
export function userPath(file: string): string {
  return path.resolve(process.env['INIT_CWD'] ?? process.cwd(), file);
}

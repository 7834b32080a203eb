// Runs `mpg` as a user does: a separate node process on src/cli/main.ts, so exit codes, stdout and stderr are
// the real ones.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../support/paths.ts';

export interface CliRun {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const CLI = path.join(REPO_ROOT, 'src/cli/main.ts');

export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: env as NodeJS.ProcessEnv, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ exit: code, stdout, stderr });
      },
    );
  });
}

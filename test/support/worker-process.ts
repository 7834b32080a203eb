// Runs `node src/main.ts` as a child process (a worker, as production runs it) and waits for the line
// that says where it listens, so a test or benchmark can kill it, restart it and read its /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** resolves with the exit code (null after a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** the last few KB of its stderr, for failure messages. */
  stderr(): string;
  /** sends `signal` (SIGTERM: drain and stop; SIGKILL: die now) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** Starts the service with `env` on top of this process's environment (set ROLE, QUEUE_NAME, PORT=0, …). */
export function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'src/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const match = LISTENING.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        url: match[1],
        pid: child.pid ?? -1,
        child,
        exited,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited (${code ?? child.signalCode}) before listening; stderr:\n${stderr}`));
    });
  });
}

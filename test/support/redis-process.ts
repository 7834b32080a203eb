// A private Redis for tests that fill it or take it away (outages, memory limits): Debian's redis-server as a child
// process on a free port of its own, no persistence, with the memory limit the test asks for. Stopping it is an outage;
// starting it again brings an empty Redis back on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.ts';

export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** kills the server at once (SIGKILL): clients see their connections drop. */
  kill(): Promise<void>;
  /** starts it again on the same port (empty). */
  start(): Promise<void>;
}

export interface RedisProcessOptions {
  readonly maxmemory?: string;
  /** the port to listen on (default: a free one). */
  readonly port?: number;
  /** working directory (default /tmp): where a cluster node keeps nodes.conf and its append-only file. */
  readonly dir?: string;
  /** further redis-server arguments (a cluster node's, persistence). */
  readonly args?: readonly string[];
}

export async function startRedis(options: RedisProcessOptions = {}): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
    args.push('--maxmemory', options.maxmemory ?? '256mb', '--maxmemory-policy', 'noeviction', '--dir', options.dir ?? '/tmp');
    args.push(...(options.args ?? []));
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
      started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${output}`));
      });
    });
    started.stdout?.resume();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    start,
  };
}

// A real Redis Cluster for tests: three masters, each Debian's redis-server as a child process on a free port with a
// directory of its own (nodes.conf and an append-only file fsynced at every write, so a master killed with SIGKILL
// comes back with everything it acknowledged), joined with `redis-cli --cluster create`. No replicas: a master that
// is down takes its slots with it until it is started again, which is what the tests exercise.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from './redis-process.ts';

const run = promisify(execFile);

export interface RedisClusterProcess {
  /** `127.0.0.1:port` of each master. */
  readonly nodes: readonly string[];
  readonly masters: readonly RedisProcess[];
  /** the master serving the slot of `key`. */
  masterFor(key: string): Promise<RedisProcess>;
  /** waits until the cluster reports `cluster_state:ok`. */
  healthy(timeoutMs?: number): Promise<void>;
  /** kills every master and deletes their directories. */
  remove(): Promise<void>;
}

export async function startRedisCluster(size = 3): Promise<RedisClusterProcess> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpg-redis-cluster-'));
  const masters: RedisProcess[] = [];
  for (let i = 0; i < size; i++) {
    const dir = path.join(root, String(i));
    await run('mkdir', ['-p', dir]);
    masters.push(
      await startRedis({
        dir,
        args: [
          ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
          // later arguments win over startRedis's own: every acknowledged write is on disk, and read back at a restart
          ...['--appendonly', 'yes', '--appendfsync', 'always'],
        ],
      }),
    );
  }
  const nodes = masters.map((m) => `127.0.0.1:${m.port}`);
  await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
  const cluster: RedisClusterProcess = {
    nodes,
    masters,
    async masterFor(key) {
      const client = new Redis(masters[0]?.url ?? '');
      try {
        const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
        const master = masters.find((m) => m.port === owner);
        if (!master) throw new Error(`no master serves slot ${slot}`);
        return master;
      } finally {
        client.disconnect();
      }
    },
    async healthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          masters.map(async (m) => {
            const client = new Redis(m.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
            try {
              await client.connect();
              return /cluster_state:ok/.test(String(await client.call('CLUSTER', 'INFO')));
            } catch {
              return false;
            } finally {
              client.disconnect();
            }
          }),
        );
        if (states.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error('the Redis Cluster did not become healthy');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async remove() {
      for (const master of masters) await master.kill();
      await rm(root, { recursive: true, force: true });
    },
  };
  await cluster.healthy();
  return cluster;
}

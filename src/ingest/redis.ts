// Where the queue lives: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). On a cluster every key the
// service writes (BullMQ's and its own: batches, locks, results) is named under the queue's prefix, which must carry
// a hash tag (`{mpg}`), so that they all hash to one slot: BullMQ's scripts and our multi-key commands touch several
// keys at once, which a cluster allows only within one slot. docs/SCALING.md says what that means for capacity.
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** One Redis by URL, or the seed nodes of a cluster (`host:port`, any of its masters). */
export type RedisTarget = { readonly url: string } | { readonly clusterNodes: readonly string[] };

export interface ConnectionOptions {
  /** commands sent while disconnected wait for the connection (true) or fail at once (false). */
  readonly offlineQueue: boolean;
  /** null: retry a command forever (BullMQ's requirement for workers); a number: give up after that many. */
  readonly maxRetriesPerRequest: number | null;
}

export function connectRedis(target: RedisTarget, options: ConnectionOptions): RedisClient {
  const perNode: RedisOptions = { maxRetriesPerRequest: options.maxRetriesPerRequest };
  const client =
    'url' in target
      ? new Redis(target.url, { ...perNode, enableOfflineQueue: options.offlineQueue })
      : new Cluster(
          target.clusterNodes.map((node) => {
            const [host = '127.0.0.1', port = '6379'] = node.split(':');
            return { host, port: Number(port) };
          }),
          { redisOptions: perNode, enableOfflineQueue: options.offlineQueue },
        );
  client.on('error', () => {
    // Reconnects are automatic; failures surface on the commands that fail, and in readiness checks.
  });
  return client;
}

/** The servers holding data: the one Redis, or each master of a cluster. */
export function dataNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * Answers when every server holding data answers; a cluster must also say it serves every slot (a master that died is
 * soon dropped from the client's list of nodes, but the cluster reports `cluster_state:fail` until it is back).
 */
export async function pingAll(client: RedisClient): Promise<void> {
  const nodes = dataNodes(client);
  if (nodes.length === 0) throw new Error('no Redis Cluster master is known');
  await Promise.all(nodes.map((node) => node.ping()));
  if (client instanceof Cluster) {
    const info = String(await (nodes[0] as Redis).call('CLUSTER', 'INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    if (state !== 'ok') throw new Error(`the Redis Cluster is not serving every slot (cluster_state:${state})`);
  }
}

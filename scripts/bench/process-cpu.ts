// CPU time of the processes a benchmark drives (the local Neo4j and Redis scripts/services.sh started, worker
// processes), read from /proc: a throughput figure means more next to the CPU each process spent on it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');

/** utime + stime of a process in seconds, from /proc (Linux); undefined elsewhere or when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Pids of the local servers scripts/services.sh started, when the URLs point at them. */
export function localServerPids(neo4jUri: string, redisUrl: string): Record<string, number> {
  const pids: Record<string, number> = {};
  const read = (file: string): number | undefined => {
    const full = path.join(REPO, '.data', file);
    if (!existsSync(full)) return undefined;
    const pid = Number(readFileSync(full, 'utf8').trim());
    return Number.isInteger(pid) && cpuSeconds(pid) !== undefined ? pid : undefined;
  };
  const neo4j = /:7687\/?$/.test(neo4jUri) ? read('neo4j.pid') : undefined;
  const redis = /:6379\/?$/.test(redisUrl) ? read('redis.pid') : undefined;
  if (neo4j !== undefined) pids['neo4j'] = neo4j;
  if (redis !== undefined) pids['redis'] = redis;
  return pids;
}

/** CPU milliseconds each named process spent since `cpuMeter` was called: call the returned function to read. */
export function cpuMeter(pids: Readonly<Record<string, number>>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) ?? 0]));
  return () =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, ((cpuSeconds(pid) ?? 0) - (before[name] ?? 0)) * 1000]));
}

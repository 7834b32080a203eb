// A Neo4j of a test's own: scripts/neo4j.sh with its own Bolt port and home directory (pid and log files beside
// it), for a test that must stop the server or needs an empty database; the suite's Neo4j is shared by every test
// file and Community Edition has one user database. `remove()` stops it and deletes its files.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.ts';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

export interface PrivateNeo4j {
  readonly uri: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** stops the server (if running) and deletes its home, pid and log files. */
  remove(): Promise<void>;
}

/** A private server under .data/neo4j-<name>-<random>; not started until `start()`. */
export async function privateNeo4j(name: string): Promise<PrivateNeo4j> {
  const port = await freePort();
  const home = path.join(REPO_ROOT, '.data', `neo4j-${name}-${randomUUID().slice(0, 8)}`);
  const env = { ...process.env, NEO4J_BOLT_PORT: String(port), NEO4J_HOME_DIR: home, NEO4J_HEAP: '512m', NEO4J_PAGECACHE: '64m' };
  const script = async (command: 'start' | 'stop'): Promise<void> => {
    await run('bash', [path.join(REPO_ROOT, 'scripts/neo4j.sh'), command], { env, timeout: 180_000 });
  };
  return {
    uri: `bolt://127.0.0.1:${port}`,
    start: () => script('start'),
    stop: () => script('stop'),
    async remove() {
      await script('stop').catch(() => undefined);
      await Promise.all([home, `${home}.pid`, `${home}.log`].map((p) => rm(p, { recursive: true, force: true })));
    },
  };
}

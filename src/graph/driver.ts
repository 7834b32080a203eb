// One Neo4j driver per process, shared by the API and the worker.
import neo4j, { type Driver } from 'neo4j-driver';
import { GraphError, toGraphError } from './errors.ts';
import { createGraphHealth, type GraphHealth } from './health.ts';
import { scopedDriver } from './request-scope.ts';

export interface GraphConnection {
  /** applies request scopes (request-scope.ts): a query inside one carries its deadline. */
  readonly driver: Driver;
  readonly database: string;
  /** reachability, once watched (the service watches it; scripts and tests need not). */
  readonly health?: GraphHealth;
}

export interface ConnectOptions {
  readonly uri: string;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly database: string;
}

export function connectGraph(options: ConnectOptions): GraphConnection {
  const auth = options.user !== undefined ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
  const driver = neo4j.driver(options.uri, auth, {
    // Fail fast on a dead server so the queue can back off, instead of hanging a job for a minute.
    connectionAcquisitionTimeout: 10_000,
    connectionTimeout: 5_000,
    maxTransactionRetryTime: 15_000,
    disableLosslessIntegers: false,
  });
  const health = createGraphHealth({ uri: options.uri, auth, database: options.database });
  return { driver: scopedDriver(driver, health), database: options.database, health };
}

/** Closes the driver and stops the health probe. */
export async function closeGraph(graph: GraphConnection): Promise<void> {
  await graph.health?.close();
  await graph.driver.close();
}

/** Resolves when Neo4j answers a query; throws a GraphError (UNAVAILABLE when it is down). */
export async function pingGraph(graph: GraphConnection): Promise<void> {
  if (graph.health?.down) throw new GraphError('UNAVAILABLE', 'neo4j ping: the last health check failed');
  // One try in an auto-commit transaction: readiness must answer now. executeQuery would retry a dead
  // server for maxTransactionRetryTime (15 s), and /readyz would hang that long before saying "down".
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.READ });
  try {
    await session.run('RETURN 1');
  } catch (error) {
    throw toGraphError(error, 'neo4j ping');
  } finally {
    await session.close();
  }
}

/** Polls until Neo4j answers, for start-up ordering (the server may still be starting). */
export async function waitForGraph(graph: GraphConnection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await pingGraph(graph);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

// Composition root: the one place that wires configuration, Neo4j, the queue, the worker and the
// HTTP server together. Everything below it is a plain factory taking its dependencies.
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAuthorizer, createHttpServer, createMetrics } from './api/index.ts';
import { createBomExporter } from './bom/index.ts';
import { loadConfig, queuePrefix, type Config } from './config.ts';
import { applyMigrations, closeGraph, connectGraph, waitForGraph } from './graph/index.ts';
import { createIngestQueue, groupWriter, startIngestWorker, type IngestWorker } from './ingest/index.ts';
import { createLogger, type Logger } from './log.ts';
import { EMPTY_TRUST_POLICY, TrustPolicyStore, type TrustPolicy } from './verify/index.ts';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../migrations');

export interface RunningService {
  /** base URL of the HTTP server, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops taking work, finishes running jobs, closes connections. Safe to call twice. */
  close(): Promise<void>;
}

export async function startService(config: Config, log: Logger): Promise<RunningService> {
  const policy = trustPolicy(config, log);
  const neo4j = {
    uri: config.NEO4J_URI,
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
    database: config.NEO4J_DATABASE,
  };
  const graph = connectGraph(neo4j);
  await waitForGraph(graph, 60_000);
  const migrations = await applyMigrations(graph, MIGRATIONS_DIR);
  if (migrations.applied.length > 0) log.info('applied migrations', { applied: migrations.applied });
  // From here on, requests fail fast while Neo4j is unreachable instead of each waiting for the driver's retries.
  graph.health?.watch();
  // Redis errors are logged once per kind while they last, not once per reconnect attempt (every few ms).
  const redisErrors = throttled((error: Error, source: string) =>
    log.warn('redis connection error', { source, error: { name: error.name, message: error.message } }),
  );

  const redis = {
    redisUrl: config.REDIS_URL,
    ...(config.REDIS_CLUSTER_NODES ? { clusterNodes: config.REDIS_CLUSTER_NODES } : {}),
    prefix: queuePrefix(config),
  };
  const queue = createIngestQueue({
    ...redis,
    queueName: config.QUEUE_NAME,
    attempts: config.JOB_ATTEMPTS,
    backoffMs: config.JOB_BACKOFF_MS,
    memoryHighWater: config.REDIS_MEMORY_HIGH_WATER,
    memoryLowWater: config.REDIS_MEMORY_LOW_WATER,
    onError: (error) => redisErrors(error, 'queue'),
  });
  const metrics = createMetrics(queue);

  let worker: IngestWorker | null = null;
  if (config.ROLE !== 'api') {
    worker = startIngestWorker(
      {
        ...redis,
        queueName: config.QUEUE_NAME,
        concurrency: config.WORKER_CONCURRENCY,
        lockMs: config.WORKER_LOCK_MS,
        onError: (error) => redisErrors(error, 'worker'),
        onResult(event) {
          if (event.kind === 'error') {
            metrics.countOutcome('error', null);
            log.warn('ingest job failed', { id: event.id, error: event.message, willRetry: event.willRetry });
          } else {
            metrics.countOutcome(event.kind, event.code);
            log.debug('ingested', { id: event.id, status: event.kind, code: event.code });
          }
        },
      },
      {
        graph,
        policy,
        write: groupWriter(graph, { maxSize: config.WRITE_GROUP_SIZE, maxWaitMs: config.WRITE_GROUP_WAIT_MS }),
      },
    );
  }

  const authorizer = createAuthorizer({ read: config.API_READ_TOKENS, ingest: config.API_INGEST_TOKENS });
  if (!authorizer.enabled && config.ROLE !== 'worker') log.warn('no API tokens configured: every request is allowed');
  const boms = createBomExporter({ graph: neo4j });
  const context = {
    graph,
    queue,
    boms,
    maxLineageNodes: config.LINEAGE_MAX_NODES,
    maxBomComponents: config.BOM_MAX_COMPONENTS,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
  };
  const server = createHttpServer(context, metrics, {
    maxBodyBytes: config.MAX_BODY_BYTES,
    openIngestMaxBytes: config.OPEN_INGEST_MAX_BYTES,
    batch: { maxDocuments: config.BATCH_MAX_DOCUMENTS, maxBytes: config.BATCH_MAX_BYTES },
    server: {
      headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.HTTP_KEEPALIVE_TIMEOUT_MS,
      maxConnections: config.HTTP_MAX_CONNECTIONS,
      queryTimeoutMs: config.QUERY_TIMEOUT_MS,
      graphqlMaxBytes: config.GRAPHQL_MAX_BYTES,
      maxResponseBytes: config.GRAPHQL_MAX_RESPONSE_BYTES,
    },
    serveApi: config.ROLE !== 'worker',
    graphiql: process.env['NODE_ENV'] !== 'production',
    limits: {
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxCost: config.GRAPHQL_MAX_COST,
      maxTraversals: config.GRAPHQL_MAX_TRAVERSALS,
    },
    authorizer,
    onInternalError: (error) => log.error('internal error', { error }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${address.port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await worker?.close();
        await queue.close();
        await boms.close();
        await closeGraph(graph);
      })();
      return closing;
    },
  };
}

/** `report` for the first error of each message, then again for the same one only after `quietMs`. */
function throttled<A extends unknown[]>(report: (error: Error, ...rest: A) => void, quietMs = 10_000) {
  const last = new Map<string, number>();
  return (error: Error, ...rest: A): void => {
    const now = Date.now();
    if (now - (last.get(error.message) ?? -Infinity) < quietMs) return;
    if (last.size > 100) last.clear();
    last.set(error.message, now);
    report(error, ...rest);
  };
}

function trustPolicy(config: Config, log: Logger): () => TrustPolicy {
  if (config.TRUST_POLICY_FILE === undefined) {
    log.warn('TRUST_POLICY_FILE is not set: nothing is trusted, every signature will be rejected');
    return () => EMPTY_TRUST_POLICY;
  }
  // Checked at most once a second, so an edited policy takes effect without a restart.
  const store = new TrustPolicyStore(config.TRUST_POLICY_FILE, { checkIntervalMs: 1000 });
  // Load now: a missing or invalid policy stops the service at start, naming the bad key.
  store.current();
  return () => store.current();
}

export async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const service = await startService(config, log);
  const roles = config.ROLE === 'all' ? 'api + worker' : config.ROLE;
  process.stdout.write(`model provenance graph (${roles}) listening on ${service.url}\n`);
  if (config.ROLE !== 'worker') {
    process.stdout.write(
      `  Explorer: ${service.url}/explorer/\n  GraphQL:  ${service.url}/graphql\n  Ingest:   POST ${service.url}/v1/attestations\n`,
    );
  }
  process.stdout.write(`  Health:   ${service.url}/readyz   Metrics: ${service.url}/metrics\n`);
  const stop = (signal: string): void => {
    log.info('shutting down', { signal });
    // A second signal while draining means "now".
    process.once(signal, () => process.exit(1));
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

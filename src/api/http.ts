// The HTTP surface: REST ingest, GraphQL, health and metrics on one node:http server, with timeouts for slow clients
// and a cap on connections (docs/OPERATIONS.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pingGraph } from '../graph/index.ts';
import { isSubmissionId, submissionStatus } from '../ingest/index.ts';
import type { Authorizer } from './auth.ts';
import { isBatchId, pageOf, readBatch, type BatchLimits } from './batches.ts';
import { readBody } from './body.ts';
import type { ApiContext } from './context.ts';
import { ApiError, quote, toApiError } from './errors.ts';
import { EXPLORER_DIR, EXPLORER_PATH, serveExplorer } from './explorer-static.ts';
import { serveGraphql } from './graphql-http.ts';
import { createGraphqlHandler } from './graphql.ts';
import type { Metrics } from './metrics.ts';
import type { QueryLimits } from './query-limits.ts';
import { routeGate } from './gate-routes.ts';
import { sendJson } from './reply.ts';
import { guarded } from './request-guard.ts';
import { submissionObject } from './resolvers/views.ts';
import { MAX_PAGE } from './resolvers/pagination.ts';

/** Timeouts and caps of the server itself: what one slow or greedy client may hold. */
export interface ServerLimits {
  /** ms to receive a request's headers (HTTP_HEADERS_TIMEOUT_MS). */
  readonly headersTimeoutMs: number;
  /** ms to receive a whole request, body included (HTTP_REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /** ms an idle keep-alive connection stays open (HTTP_KEEPALIVE_TIMEOUT_MS). */
  readonly keepAliveTimeoutMs: number;
  /** open connections at most; more are closed at once (HTTP_MAX_CONNECTIONS). */
  readonly maxConnections: number;
  /** ms a GraphQL operation or a REST read may take (QUERY_TIMEOUT_MS). */
  readonly queryTimeoutMs: number;
  /** largest GraphQL request body (GRAPHQL_MAX_BYTES). */
  readonly graphqlMaxBytes: number;
  /** largest GraphQL answer (GRAPHQL_MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes: number;
}

export interface HttpOptions {
  readonly maxBodyBytes: number;
  /** largest document accepted when no API tokens are configured (OPEN_INGEST_MAX_BYTES). */
  readonly openIngestMaxBytes: number;
  /** documents and bytes per batch (BATCH_MAX_DOCUMENTS, BATCH_MAX_BYTES). */
  readonly batch: Omit<BatchLimits, 'maxDocumentBytes'>;
  readonly server: ServerLimits;
  /** false in a worker-only process: only health and metrics are served. */
  readonly serveApi: boolean;
  readonly graphiql: boolean;
  /** the lineage explorer's built files (default dist/explorer, written by scripts/build-web.sh). */
  readonly explorerDir?: string;
  readonly limits: QueryLimits;
  readonly authorizer: Authorizer;
  /** called with unexpected errors, which clients see only as INTERNAL. */
  readonly onInternalError: (error: unknown) => void;
}

export function createHttpServer(context: ApiContext, metrics: Metrics, options: HttpOptions): Server {
  const graphql = createGraphqlHandler(context, {
    authorizer: options.authorizer,
    graphiql: options.graphiql,
    limits: options.limits,
    onInternalError: options.onInternalError,
  });
  const auth = options.authorizer;
  const limits = options.server;
  const guard = { timeoutMs: limits.queryTimeoutMs, health: context.graph.health };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<string> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (url.pathname === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
      return 'healthz';
    }
    if (url.pathname === '/readyz') {
      await readiness(context, response);
      return 'readyz';
    }
    if (url.pathname === '/metrics') {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return 'metrics';
    }
    if (options.serveApi && url.pathname === '/graphql') {
      try {
        // GraphiQL's page itself is harmless; the queries it sends carry the token like any other.
        if (!(method === 'GET' && !url.search && (request.headers.accept ?? '').includes('text/html')))
          auth.require(request, 'read');
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        sendJson(response, error.httpStatus, { errors: [{ message: error.message, extensions: { code: error.code } }] });
        return 'graphql';
      }
      await serveGraphql(graphql, request, response, {
        ...guard,
        maxBodyBytes: limits.graphqlMaxBytes,
        maxResponseBytes: limits.maxResponseBytes,
        onInternalError: options.onInternalError,
      });
      return 'graphql';
    }
    if (options.serveApi && url.pathname === '/v1/attestations') {
      if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to submit an attestation');
      auth.require(request, 'ingest');
      const body = await readDocument(request, auth.enabled, options);
      const origin = url.searchParams.get('origin') ?? headerValue(request, 'x-attestation-origin') ?? 'http';
      const submitted = await context.queue.submit(body, {
        origin,
        collector: 'http',
        receivedAt: new Date().toISOString(),
      });
      metrics.countSubmission(submitted.created);
      sendJson(response, 202, {
        id: submitted.id,
        created: submitted.created,
        status: `/v1/attestations/${submitted.id}`,
      });
      return 'submit';
    }
    if (options.serveApi && url.pathname === '/v1/batches') {
      if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to submit a batch');
      auth.require(request, 'ingest');
      const open = !auth.enabled && options.openIngestMaxBytes < options.maxBodyBytes;
      const maxDocumentBytes = open ? options.openIngestMaxBytes : options.maxBodyBytes;
      const origin = url.searchParams.get('origin') ?? headerValue(request, 'x-attestation-origin') ?? 'http';
      const { documents, refused } = await readBatch(request, { ...options.batch, maxDocumentBytes }, origin);
      const batch = await context.queue.submitBatch(documents, { collector: 'http-batch', receivedAt: new Date().toISOString() });
      metrics.countBatch(batch.total, batch.created);
      sendJson(response, 202, { ...batch, refused, status: `/v1/batches/${batch.id}` });
      return 'batch-submit';
    }
    const batchMatch = /^\/v1\/batches\/([^/]+)$/.exec(url.pathname);
    if (options.serveApi && batchMatch) {
      if (method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', 'use GET to read a batch');
      auth.require(request, 'read');
      const id = batchMatch[1] ?? '';
      if (!isBatchId(id)) throw new ApiError('BAD_REQUEST', `${quote(id)} is not a batch id`);
      const { offset, limit } = pageOf(url, MAX_PAGE);
      const progress = await context.queue.batchProgress(id, offset, limit);
      if (!progress) throw new ApiError('NOT_FOUND', `no batch ${id} (batches are kept 7 days)`);
      sendJson(response, 200, progress);
      return 'batch-status';
    }
    if (options.serveApi && url.pathname.startsWith('/v1/failed')) auth.require(request, 'ingest');
    if (options.serveApi && url.pathname === '/v1/failed') {
      if (method === 'GET') {
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), MAX_PAGE);
        sendJson(response, 200, { failed: await context.queue.listFailed(limit) });
        return 'failed';
      }
      throw new ApiError('METHOD_NOT_ALLOWED', 'use GET to list failed jobs, POST /v1/failed/replay to replay them');
    }
    if (options.serveApi && url.pathname === '/v1/failed/replay') {
      if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to replay failed jobs');
      sendJson(response, 202, { replayed: await context.queue.replayFailed() });
      return 'replay';
    }
    if (options.serveApi && (url.pathname.startsWith('/v1/incidents') || url.pathname === '/v1/decisions')) {
      const name = await routeGate(url, request, response, context, auth, guard);
      if (name) return name;
    }
    if (options.serveApi && (url.pathname === '/' || url.pathname === '/explorer')) {
      response.writeHead(302, { location: EXPLORER_PATH });
      response.end();
      return 'explorer';
    }
    if (options.serveApi && url.pathname.startsWith(EXPLORER_PATH)) {
      // The page and its scripts are public; everything they show comes from /graphql, which checks the token.
      await serveExplorer(options.explorerDir ?? EXPLORER_DIR, url.pathname, method, response);
      return 'explorer';
    }
    const match = /^\/v1\/attestations\/([^/]+)$/.exec(url.pathname);
    if (options.serveApi && match) {
      if (method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', 'use GET to read a submission');
      auth.require(request, 'read');
      const id = decodePath(match[1] ?? '');
      if (!isSubmissionId(id)) throw new ApiError('INVALID_DIGEST', `${quote(id)} is not a submission id (sha256:<64 hex>)`);
      const status = await guarded(guard, () => submissionStatus(id, context.graph, context.queue));
      if (!status) throw new ApiError('NOT_FOUND', `no submission ${id}`);
      sendJson(response, 200, submissionObject(status));
      return 'status';
    }
    throw new ApiError('NOT_FOUND', `no route for ${quote(method)} ${quote(url.pathname)}`);
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two timeouts above are checked (default 30 s, which would let a slow client stay that much longer).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (request, response) => {
      const started = process.hrtime.bigint();
      route(request, response)
        .catch((error: unknown) => {
          const apiError = toApiError(error);
          if (apiError.code === 'INTERNAL') options.onInternalError(error);
          if (!response.headersSent && !response.destroyed) {
            if (apiError.code === 'PAYLOAD_TOO_LARGE') response.setHeader('connection', 'close');
            if (apiError.retryable) response.setHeader('retry-after', '5');
            sendJson(response, apiError.httpStatus, { error: { code: apiError.code, message: apiError.message } });
          } else {
            response.end();
          }
          return 'error';
        })
        .then((name) => {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.observeRequest(name, request.method ?? 'GET', response.statusCode, seconds);
        })
        .catch(() => {
          // Metrics must never take a request down.
        });
    },
  );
  server.maxConnections = limits.maxConnections;
  // A connection that has not sent a whole request's headers within the headers timeout is closed: Node's own
  // timeouts start only once a request begins, so a connection that never sends a byte would hold its slot forever.
  const unanswered = new WeakMap<object, NodeJS.Timeout>();
  server.on('connection', (socket) => {
    const timer = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    timer.unref();
    unanswered.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (request: IncomingMessage) => clearTimeout(unanswered.get(request.socket)));
  return server;
}

/**
 * The body of a submission. Without API tokens anyone may submit, so only documents up to OPEN_INGEST_MAX_BYTES are
 * taken: larger ones (up to MAX_BODY_BYTES) need an ingest token.
 */
async function readDocument(request: IncomingMessage, authenticated: boolean, options: HttpOptions): Promise<Buffer> {
  const open = !authenticated && options.openIngestMaxBytes < options.maxBodyBytes;
  try {
    return await readBody(request, open ? options.openIngestMaxBytes : options.maxBodyBytes);
  } catch (error) {
    if (!(open && error instanceof ApiError && error.code === 'PAYLOAD_TOO_LARGE')) throw error;
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `${error.message}: without API tokens the service takes documents up to ${options.openIngestMaxBytes} bytes; configure API_INGEST_TOKENS to submit up to ${options.maxBodyBytes}`,
    );
  }
}

/** A path segment, percent-decoded; a malformed escape (`%`, `%zz`) is the client's bad digest, not a fault. */
function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('INVALID_DIGEST', `${quote(segment)} is not a submission id: it has a malformed percent-encoding`);
  }
}

async function readiness(context: ApiContext, response: ServerResponse): Promise<void> {
  const [neo4j, redis, memory] = await Promise.allSettled([
    pingGraph(context.graph),
    context.queue.ping(),
    context.queue.memory(),
  ]);
  const queueMemory = memory.status === 'fulfilled' ? (memory.value.full ? 'full' : 'ok') : 'unknown';
  const checks = {
    neo4j: neo4j.status === 'fulfilled' ? 'ok' : 'down',
    redis: redis.status === 'fulfilled' ? 'ok' : 'down',
    // Near Redis's memory limit new documents are refused (QUEUE_FULL): not ready to take submissions.
    queueMemory,
  };
  const ready = checks.neo4j === 'ok' && checks.redis === 'ok' && queueMemory !== 'full';
  sendJson(response, ready ? 200 : 503, {
    status: ready ? 'ready' : 'unavailable',
    checks,
    ...(memory.status === 'fulfilled'
      ? { redisMemory: { usedBytes: memory.value.usedBytes, maxBytes: memory.value.maxBytes } }
      : {}),
  });
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

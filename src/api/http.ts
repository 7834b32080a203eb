// The HTTP surface: REST ingest, GraphQL, health and metrics on one node:http server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pingGraph } from '../graph/index.ts';
import { IngestError, isSubmissionId, submissionStatus } from '../ingest/index.ts';
import type { Authorizer } from './auth.ts';
import { readBody } from './body.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import { EXPLORER_DIR, EXPLORER_PATH, serveExplorer } from './explorer-static.ts';
import { createGraphqlHandler } from './graphql.ts';
import type { Metrics } from './metrics.ts';
import type { QueryLimits } from './query-limits.ts';
import { submissionObject } from './resolvers/views.ts';
import { MAX_PAGE } from './resolvers/pagination.ts';

export interface HttpOptions {
  readonly maxBodyBytes: number;
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
    graphiql: options.graphiql,
    limits: options.limits,
    onInternalError: options.onInternalError,
  });
  const auth = options.authorizer;

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
      // requestListener writes the response itself (handleNodeRequestAndResponse only returns it).
      await graphql.requestListener(request, response);
      return 'graphql';
    }
    if (options.serveApi && url.pathname === '/v1/attestations') {
      if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to submit an attestation');
      auth.require(request, 'ingest');
      const body = await readBody(request, options.maxBodyBytes);
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
      const id = decodeURIComponent(match[1] ?? '');
      if (!isSubmissionId(id)) throw new ApiError('INVALID_DIGEST', `"${id}" is not a submission id (sha256:<64 hex>)`);
      const status = await submissionStatus(id, context.graph, context.queue);
      if (!status) throw new ApiError('NOT_FOUND', `no submission ${id}`);
      sendJson(response, 200, submissionObject(status));
      return 'status';
    }
    throw new ApiError('NOT_FOUND', `no route for ${method} ${url.pathname}`);
  }

  return createServer((request, response) => {
    const started = process.hrtime.bigint();
    route(request, response)
      .catch((error: unknown) => {
        const apiError = toApiError(error);
        if (apiError.code === 'INTERNAL') options.onInternalError(error);
        if (!response.headersSent) {
          if (apiError.code === 'PAYLOAD_TOO_LARGE') response.setHeader('connection', 'close');
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
  });
}

async function readiness(context: ApiContext, response: ServerResponse): Promise<void> {
  const [neo4j, redis] = await Promise.allSettled([pingGraph(context.graph), context.queue.ping()]);
  const checks = { neo4j: neo4j.status === 'fulfilled' ? 'ok' : 'down', redis: redis.status === 'fulfilled' ? 'ok' : 'down' };
  const ready = checks.neo4j === 'ok' && checks.redis === 'ok';
  sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof IngestError) {
    if (error.code === 'QUEUE_UNAVAILABLE')
      return new ApiError('SERVICE_UNAVAILABLE', 'the ingest queue is unavailable; try again shortly');
    if (error.code === 'EMPTY_DOCUMENT') return new ApiError('BAD_REQUEST', error.message);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UNAVAILABLE') return new ApiError('SERVICE_UNAVAILABLE', 'the graph database is unavailable; try again shortly');
  return new ApiError('INTERNAL', 'internal error', { cause: error });
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

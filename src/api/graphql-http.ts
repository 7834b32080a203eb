// GraphQL over node:http: the body is read here with a size cap (yoga would read any size), the operation runs under
// the request's deadline (request-guard.ts), and an answer over the size cap is replaced by RESULT_TOO_LARGE rather
// than sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.ts';
import { ApiError, toApiError } from './errors.ts';
import type { GraphqlHandler } from './graphql.ts';
import { guarded, type GuardOptions } from './request-guard.ts';

export interface GraphqlHttpOptions extends GuardOptions {
  /** largest request body (GRAPHQL_MAX_BYTES). */
  readonly maxBodyBytes: number;
  /** largest answer (GRAPHQL_MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes: number;
  readonly onInternalError: (error: unknown) => void;
}

/** Headers that describe this hop or the body's framing, which the Request below sets itself. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

export async function serveGraphql(
  yoga: GraphqlHandler,
  request: IncomingMessage,
  response: ServerResponse,
  options: GraphqlHttpOptions,
): Promise<void> {
  const method = request.method ?? 'GET';
  let status: number;
  let headers: [string, string][];
  let text: string;
  try {
    const body = method === 'POST' ? await readBody(request, options.maxBodyBytes) : undefined;
    const forwarded = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || NOT_FORWARDED.has(name)) continue;
      for (const one of Array.isArray(value) ? value : [value]) forwarded.append(name, one);
    }
    const answer = await guarded(options, async (signal) => {
      const url = new URL(request.url ?? '/graphql', `http://${request.headers.host ?? 'localhost'}`);
      const init: RequestInit = { method, headers: forwarded, signal, ...(body ? { body: new Uint8Array(body) } : {}) };
      const result = await yoga.fetch(new Request(url, init));
      return { status: result.status, headers: [...result.headers], text: await result.text() };
    });
    if (Buffer.byteLength(answer.text) > options.maxResponseBytes) {
      throw new ApiError(
        'RESULT_TOO_LARGE',
        `the answer is more than ${options.maxResponseBytes} bytes: page through it (first/after) or select fewer fields`,
      );
    }
    ({ status, headers, text } = answer);
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'INTERNAL') options.onInternalError(error);
    status = apiError.httpStatus;
    headers = [['content-type', 'application/json; charset=utf-8']];
    text = JSON.stringify({ errors: [{ message: apiError.message, extensions: { code: apiError.code } }] });
    if (apiError.code === 'PAYLOAD_TOO_LARGE') headers.push(['connection', 'close']);
  }
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, Object.fromEntries(headers));
  response.end(text);
}

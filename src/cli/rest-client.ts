// The CLI's one way to a running service over HTTP (README "HTTP API"): where it is (--url, else MPG_URL, else
// DEFAULT_URL), the bearer token (--token, else MPG_TOKEN), and one retry rule for every request, REST or GraphQL:
// transient trouble (429, 502, 503, 504, connection refused or reset) is tried again with doubling delays; any other
// answer is the service's, and a refusal is reported with the error code it gave.
import { UsageError } from './args.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** What the user said on the command line; unset members fall back to the environment, then the defaults. */
export interface ServiceOptions {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
}

export interface RestClient {
  /** service base URL without a trailing slash. */
  readonly baseUrl: string;
  /** sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  /** extra attempts for a request that met transient trouble. */
  readonly retries: number;
  /** first retry delay; doubled for each further attempt. */
  readonly retryDelayMs: number;
}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

/** A client for the service the options name. Throws UsageError for a --url that is not an http(s) URL. */
export function restClient(options: ServiceOptions, retry = { retries: 3, retryDelayMs: 500 }): RestClient {
  const token = options.token ?? process.env['MPG_TOKEN'];
  return { baseUrl: baseUrl(options.url ?? process.env['MPG_URL'] ?? DEFAULT_URL), ...retry, ...(token ? { token } : {}) };
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url ${text} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url ${text} is not an http(s) URL`);
  return url.href.replace(/\/+$/, '');
}

/** The service's answer (its status and JSON object body, when it has one), or why it could not be reached. */
export type Reply =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly ok: boolean;
      readonly body: Record<string, unknown> | undefined;
    }
  | { readonly kind: 'unreachable'; readonly message: string };

export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: Uint8Array<ArrayBuffer> | string;
  readonly contentType?: string;
  /** false for a request whose caller asks again anyway (a status poll): one attempt. */
  readonly retry?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One request under the retry rule. Never throws: an unreachable service is a Reply too. */
export async function send(client: RestClient, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {
    ...(options.contentType ? { 'content-type': options.contentType } : {}),
    ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
  };
  const attempts = options.retry === false ? 1 : client.retries + 1;
  let last: Reply = { kind: 'unreachable', message: 'not attempted' };
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(client.retryDelayMs * 2 ** (attempt - 1));
    let response: Response;
    try {
      response = await fetch(`${client.baseUrl}${path}`, {
        method: options.method ?? 'GET',
        headers,
        ...(options.body === undefined ? {} : { body: options.body }),
      });
    } catch (error) {
      // Also what a body over the service's MAX_BODY_BYTES can meet: the service answers 413 and closes while the
      // upload is still being written (EPIPE, ECONNRESET). A retry usually reads the 413.
      last = { kind: 'unreachable', message: networkMessage(error) };
      continue;
    }
    last = { kind: 'answered', status: response.status, ok: response.ok, body: await readJson(response) };
    if (!TRANSIENT_STATUS.has(response.status)) return last;
  }
  return last;
}

/** The README's error body `{error: {code, message}}`, else the HTTP status; for an unreachable service, NETWORK_ERROR. */
export function errorOf(reply: Reply): { code: string; message: string } {
  if (reply.kind === 'unreachable') return { code: 'NETWORK_ERROR', message: reply.message };
  const error = reply.body?.['error'] as { code?: unknown; message?: unknown } | undefined;
  return {
    code: typeof error?.code === 'string' ? error.code : `HTTP_${reply.status}`,
    message: typeof error?.message === 'string' ? error.message : `the service answered ${reply.status}`,
  };
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** fetch wraps socket errors as `TypeError: fetch failed` with the real reason in `cause`. */
function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message; // e.g. connect ECONNREFUSED 127.0.0.1:8080
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

export type SubmitResult =
  | { readonly kind: 'submitted'; readonly id: string; readonly created: boolean }
  /** the service did not take the document: `status` is the HTTP status, null when it could not be reached. */
  | { readonly kind: 'refused'; readonly status: number | null; readonly code: string; readonly message: string };

/** POST /v1/attestations; `origin` is recorded on the attestation (README: `?origin=`). Never throws. */
export async function submitDocument(client: RestClient, body: Uint8Array, origin: string): Promise<SubmitResult> {
  const reply = await send(client, `/v1/attestations?origin=${encodeURIComponent(origin)}`, {
    method: 'POST',
    body: new Uint8Array(body),
    contentType: 'application/json',
  });
  if (reply.kind === 'answered' && reply.status === 202 && typeof reply.body?.['id'] === 'string') {
    return { kind: 'submitted', id: reply.body['id'], created: reply.body['created'] === true };
  }
  return { kind: 'refused', status: reply.kind === 'answered' ? reply.status : null, ...errorOf(reply) };
}

export type Verdict =
  | { readonly kind: 'verified' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string }
  /** infrastructure retries exhausted on the service side (README: FAILED; resubmit to retry). */
  | { readonly kind: 'failed'; readonly message: string }
  /** not decided yet (queued or processing), or the status could not be read just now. */
  | { readonly kind: 'pending' };

/** One look at a submission's state (GET /v1/attestations/{id}). Never throws: an unreadable status is `pending`. */
export async function readVerdict(client: RestClient, id: string): Promise<Verdict> {
  const reply = await send(client, `/v1/attestations/${encodeURIComponent(id)}`, { retry: false });
  if (reply.kind !== 'answered' || !reply.ok || reply.body === undefined) return { kind: 'pending' };
  const payload = reply.body;
  const attestation = payload['attestation'] as { reasonCode?: unknown; reason?: unknown } | null | undefined;
  switch (payload['state']) {
    case 'VERIFIED':
      return { kind: 'verified' };
    case 'REJECTED':
      return {
        kind: 'rejected',
        code: typeof attestation?.reasonCode === 'string' ? attestation.reasonCode : 'UNKNOWN',
        message: typeof attestation?.reason === 'string' ? attestation.reason : '',
      };
    case 'FAILED':
      return { kind: 'failed', message: typeof payload['error'] === 'string' ? payload['error'] : 'failed on the service' };
    default:
      return { kind: 'pending' };
  }
}

/** GET /healthz: undefined when the service answers, else why not. */
export async function checkReachable(client: RestClient): Promise<string | undefined> {
  const reply = await send(client, '/healthz');
  if (reply.kind === 'unreachable') return reply.message;
  return reply.ok ? undefined : `GET /healthz answered ${reply.status}`;
}

/** The JSON object a request answers with; a refusal or an unreachable service is thrown as `CODE: message`. */
export async function answer(client: RestClient, path: string, options: RequestOptions = {}): Promise<Record<string, unknown>> {
  const reply = await send(client, path, options);
  if (reply.kind === 'answered' && reply.ok && reply.body !== undefined) return reply.body;
  const { code, message } = errorOf(reply);
  throw new Error(`${code}: ${message}`);
}

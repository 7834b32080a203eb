// The ingest client's HTTP side: POST /v1/attestations and GET /v1/attestations/{id} of a running service
// (README "HTTP API"). Transient trouble (503, connection refused or reset) is retried with backoff; anything else
// the service refuses is reported with the error code it gave.

export interface ClientOptions {
  /** service base URL without a trailing slash. */
  readonly baseUrl: string;
  /** sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  /** extra attempts for a submission that met a transient failure. */
  readonly retries: number;
  /** first retry delay; doubled for each further attempt. */
  readonly retryDelayMs: number;
}

export type SubmitResult =
  | { readonly kind: 'submitted'; readonly id: string; readonly created: boolean }
  /** the service did not take the document: `status` is the HTTP status, null when it could not be reached. */
  | { readonly kind: 'refused'; readonly status: number | null; readonly code: string; readonly message: string };

export type Verdict =
  | { readonly kind: 'verified' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string }
  /** infrastructure retries exhausted on the service side (README: FAILED; resubmit to retry). */
  | { readonly kind: 'failed'; readonly message: string }
  /** not decided yet (queued or processing), or the status could not be read just now. */
  | { readonly kind: 'pending' };

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

function headers(options: ClientOptions, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Submits one document; `origin` is recorded on the attestation (README: `?origin=`). Never throws. */
export async function submitDocument(options: ClientOptions, body: Buffer, origin: string): Promise<SubmitResult> {
  const url = `${options.baseUrl}/v1/attestations?origin=${encodeURIComponent(origin)}`;
  let last: SubmitResult = { kind: 'refused', status: null, code: 'NETWORK_ERROR', message: 'not attempted' };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await sleep(options.retryDelayMs * 2 ** (attempt - 1));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: headers(options, { 'content-type': 'application/json' }),
      });
    } catch (error) {
      // Also what a body over the service's MAX_BODY_BYTES can meet: the service answers 413 and closes while the
      // upload is still being written (EPIPE, ECONNRESET). A retry usually reads the 413.
      last = { kind: 'refused', status: null, code: 'NETWORK_ERROR', message: networkMessage(error) };
      continue;
    }
    const payload = await readJson(response);
    if (response.status === 202 && typeof payload?.['id'] === 'string') {
      return { kind: 'submitted', id: payload['id'], created: payload['created'] === true };
    }
    last = { kind: 'refused', status: response.status, ...errorOf(payload, response) };
    if (!TRANSIENT_STATUS.has(response.status)) return last;
  }
  return last;
}

/** One look at a submission's state. Never throws: an unreadable status is `pending`, and the caller polls again. */
export async function readVerdict(options: ClientOptions, id: string): Promise<Verdict> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl}/v1/attestations/${encodeURIComponent(id)}`, { headers: headers(options) });
  } catch {
    return { kind: 'pending' };
  }
  const payload = await readJson(response);
  if (!response.ok || payload === undefined) return { kind: 'pending' };
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
export async function checkReachable(options: ClientOptions): Promise<string | undefined> {
  try {
    const response = await fetch(`${options.baseUrl}/healthz`, { headers: headers(options) });
    await response.body?.cancel();
    return response.ok ? undefined : `GET /healthz answered ${response.status}`;
  } catch (error) {
    return networkMessage(error);
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The README's error body `{error: {code, message}}`, or the HTTP status when the body is something else. */
function errorOf(payload: Record<string, unknown> | undefined, response: Response): { code: string; message: string } {
  const error = payload?.['error'] as { code?: unknown; message?: unknown } | undefined;
  return {
    code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText,
  };
}

/** fetch wraps socket errors as `TypeError: fetch failed` with the real reason in `cause`. */
function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message; // e.g. connect ECONNREFUSED 127.0.0.1:8080
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

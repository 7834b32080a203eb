// The one error mapper of the API: REST and GraphQL both turn whatever a request threw into an ApiError here, so a
// domain error gets the same code, HTTP status and message on both. Expected errors carry a stable `code` (REST body
// field, GraphQL `extensions.code`); anything else is masked as INTERNAL so stack traces and driver messages never
// reach clients. What each code means to an operator is in docs/OPERATIONS.md.
import { GraphQLError } from 'graphql';
import { BomError, type BomErrorCode } from '../bom/index.ts';
import { GraphError, TooManyNodes, type GraphErrorCode } from '../graph/index.ts';
import { IngestError, type IngestErrorCode } from '../ingest/index.ts';
import { CodedError } from '../coded-error.ts';

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'QUERY_TOO_DEEP'
  | 'QUERY_TOO_COSTLY'
  | 'QUERY_TIMEOUT'
  | 'RESULT_TOO_LARGE'
  | 'INVALID_DIGEST'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'QUEUE_FULL'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COSTLY: 400,
  QUERY_TIMEOUT: 504,
  RESULT_TOO_LARGE: 400,
  INVALID_DIGEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  QUEUE_FULL: 503,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Longest message a client gets: an error never carries more than this of anything it echoes. */
const MAX_MESSAGE = 500;

export class ApiError extends CodedError<ApiErrorCode> {
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message, options);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** Worth trying again later unchanged: the client may wait (`Retry-After`) and repeat. */
  get retryable(): boolean {
    return this.code === 'SERVICE_UNAVAILABLE' || this.code === 'QUEUE_FULL';
  }

  /**
   * As a GraphQL error. An outage or a timeout also sets the HTTP status of the whole answer (graphql-yoga reads
   * `extensions.http`), so clients and load balancers see a 503 or 504 as they would from REST; the caller's own
   * mistakes keep GraphQL's 200 with `errors`.
   */
  toGraphQLError(at?: GraphQLError): GraphQLError {
    const status = this.httpStatus >= 500 && this.code !== 'INTERNAL' ? this.httpStatus : undefined;
    return new GraphQLError(this.message, {
      ...(at ? { nodes: at.nodes, path: at.path } : {}),
      extensions: {
        code: this.code,
        ...(status ? { http: { status, ...(this.retryable ? { headers: { 'retry-after': '5' } } : {}) } } : {}),
      },
    });
  }
}

/** Untrusted input quoted in a message: at most 64 characters of it, with its length when cut. */
export function quote(value: string): string {
  return value.length <= 64 ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, 48))}… (${value.length} characters)`;
}

const DIGEST_PATTERN = /^[a-z0-9-]+:[0-9a-f]{32,128}$/;
/** A name users use, keyed by its purl (docs/LINEAGE.md, "Names"): `pkg:huggingface/org/name@rev`, `pkg:github/…`. */
const NAME_PATTERN = /^pkg:(huggingface|github|gitlab|bitbucket|generic)\/[a-z0-9._~%/-]+@[a-z0-9._/-]+$/;

/**
 * Digests are identities: accept only the canonical `algorithm:hex` lower-case form, or the lower-case purl of a
 * Hugging Face or git reference (which the graph keys artifacts named that way by).
 */
export function parseDigest(value: string): string {
  const digest = value.trim();
  if (!DIGEST_PATTERN.test(digest) && !(digest.length <= 512 && NAME_PATTERN.test(digest.toLowerCase()))) {
    throw new ApiError('INVALID_DIGEST', `${quote(value)} is not a digest of the form sha256:<lower-case hex>`);
  }
  return DIGEST_PATTERN.test(digest) ? digest : digest.toLowerCase();
}

/** How a domain error code reaches the client: an API code and, where the domain's message is not for clients, ours. */
type Mapping = { readonly code: ApiErrorCode; readonly message?: string } | 'INTERNAL';

const FROM_GRAPH: Record<GraphErrorCode, Mapping> = {
  UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE', message: 'the graph database is unavailable or busy; try again shortly' },
  TIMEOUT: { code: 'QUERY_TIMEOUT', message: 'the query ran past its deadline and was stopped: ask a smaller question' },
  TOO_LARGE: {
    code: 'RESULT_TOO_LARGE',
    message: 'the answer needs more memory than the database allows one query: ask a smaller question',
  },
  QUERY_FAILED: 'INTERNAL',
  MIGRATION_FAILED: 'INTERNAL',
};

const FROM_INGEST: Record<IngestErrorCode, Mapping> = {
  QUEUE_UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE', message: 'the ingest queue is unavailable; try again shortly' },
  QUEUE_FULL: { code: 'QUEUE_FULL' },
  EMPTY_DOCUMENT: { code: 'BAD_REQUEST' },
  PAYLOAD_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE' },
  INVALID_JOB: 'INTERNAL',
};

const FROM_BOM: Record<BomErrorCode, Mapping> = {
  NOT_FOUND: { code: 'NOT_FOUND' },
  NOT_A_MODEL: { code: 'BAD_REQUEST' },
  TOO_LARGE: { code: 'RESULT_TOO_LARGE' },
  BUSY: { code: 'SERVICE_UNAVAILABLE' },
  INVALID_BOM: 'INTERNAL',
};

function mapped(error: Error, mapping: Mapping): ApiError {
  return mapping === 'INTERNAL' ? internal(error) : new ApiError(mapping.code, mapping.message ?? error.message);
}

/**
 * What the client is told about `error`. Domain errors map to their API code through the tables above; a GraphQL
 * error raised by a resolver is mapped by what it wraps. Anything unknown is INTERNAL (the caller logs it).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof GraphQLError && error.originalError) return toApiError(error.originalError);
  if (error instanceof GraphError) return mapped(error, FROM_GRAPH[error.code]);
  if (error instanceof IngestError) return mapped(error, FROM_INGEST[error.code]);
  if (error instanceof BomError) return mapped(error, FROM_BOM[error.code]);
  if (error instanceof TooManyNodes) {
    return new ApiError(
      'RESULT_TOO_LARGE',
      `${error.message}: ask with a smaller maxDepth or one direction (incidentTrace and modelsTrainedOn page through large answers)`,
    );
  }
  return internal(error);
}

function internal(cause: unknown): ApiError {
  return new ApiError('INTERNAL', 'internal error', { cause });
}

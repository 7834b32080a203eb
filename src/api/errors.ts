// Expected API errors carry a stable `code` (REST body field, GraphQL `extensions.code`);
// anything else is masked as INTERNAL so stack traces and driver messages never reach clients.
import { GraphQLError } from 'graphql';

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'QUERY_TOO_DEEP'
  | 'QUERY_TOO_COSTLY'
  | 'RESULT_TOO_LARGE'
  | 'INVALID_DIGEST'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COSTLY: 400,
  RESULT_TOO_LARGE: 400,
  INVALID_DIGEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { code: this.code } });
  }
}

const DIGEST_PATTERN = /^[a-z0-9-]+:[0-9a-f]{32,128}$/;

/** Digests are identities: accept only the canonical `algorithm:hex` lower-case form. */
export function parseDigest(value: string): string {
  const digest = value.trim();
  if (!DIGEST_PATTERN.test(digest)) {
    throw new ApiError('INVALID_DIGEST', `"${value}" is not a digest of the form sha256:<lower-case hex>`);
  }
  return digest;
}

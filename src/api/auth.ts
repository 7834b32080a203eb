// Bearer tokens with two roles: `read` (GraphQL, submission status) and `ingest` (submit, replay; implies read).
// Tokens are compared as SHA-256 digests with timingSafeEqual, so a comparison leaks neither length nor prefix.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

export type Role = 'read' | 'ingest';

export interface TokenConfig {
  readonly read: readonly string[];
  readonly ingest: readonly string[];
}

export interface Authorizer {
  /** false when no tokens are configured: every request is allowed (local development). */
  readonly enabled: boolean;
  require(request: IncomingMessage, role: Role): void;
  /**
   * Who is calling, for audit records: `token:<first 16 hex digits of the token's SHA-256>` (never the token), or
   * `anonymous` when no tokens are configured or none was sent.
   */
  identify(authorization: string | null | undefined): string;
  /** whether this Authorization header value carries `role` (always true when no tokens are configured). */
  allows(authorization: string | null | undefined, role: Role): boolean;
}

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export function createAuthorizer(tokens: TokenConfig): Authorizer {
  const ingest = tokens.ingest.map(digest);
  const read = [...tokens.read.map(digest), ...ingest];
  const enabled = read.length > 0;
  const matches = (presented: Buffer, allowed: readonly Buffer[]): boolean =>
    // Check every entry: the time taken does not depend on which (if any) matched.
    allowed.reduce((found, candidate) => timingSafeEqual(presented, candidate) || found, false);
  return {
    enabled,
    identify(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      return match?.[1] ? `token:${digest(match[1]).toString('hex').slice(0, 16)}` : 'anonymous';
    },
    allows(authorization, role) {
      if (!enabled) return true;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      return match?.[1] !== undefined && matches(digest(match[1]), role === 'ingest' ? ingest : read);
    },
    require(request, role) {
      if (!enabled) return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new ApiError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
      const presented = digest(match[1]);
      if (matches(presented, role === 'ingest' ? ingest : read)) return;
      if (role === 'ingest' && matches(presented, read)) throw new ApiError('FORBIDDEN', 'this token may read but not ingest');
      throw new ApiError('UNAUTHENTICATED', 'the token is not valid');
    },
  };
}

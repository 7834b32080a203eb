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

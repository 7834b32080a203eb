// Public door of the API domain: the HTTP server (REST ingest, GraphQL, health, metrics).
export { createHttpServer } from './http.ts';
export type { HttpOptions } from './http.ts';
export type { ApiContext } from './context.ts';
export { ApiError } from './errors.ts';
export type { ApiErrorCode } from './errors.ts';
export { createMetrics } from './metrics.ts';
export type { Metrics } from './metrics.ts';
export { loadTypeDefs, SCHEMA_DIR } from './graphql.ts';
export { createAuthorizer } from './auth.ts';
export type { Authorizer, Role, TokenConfig } from './auth.ts';
export type { QueryLimits } from './query-limits.ts';
export { MAX_PAGE } from './resolvers/pagination.ts';
export { createAdmissionServer } from './admission-server.ts';
export type { AdmissionServerOptions } from './admission-server.ts';

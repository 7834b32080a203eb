// GraphQL: SDL from schema/*.graphql (one file per type), thin resolvers, yoga as the HTTP handler.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import { artifact } from './resolvers/artifact.ts';
import { attestation } from './resolvers/attestation.ts';
import { dataset } from './resolvers/dataset.ts';
import { incidentTrace } from './resolvers/incident-trace.ts';
import { lineage } from './resolvers/lineage.ts';
import { model } from './resolvers/model.ts';
import { modelsTrainedOn } from './resolvers/models-trained-on.ts';
import { submission } from './resolvers/submission.ts';
import { useQueryLimits, type QueryLimits } from './query-limits.ts';
import { aiBom } from './resolvers/ai-bom.ts';
import { JSONScalar } from './resolvers/json-scalar.ts';
import { TraceCache } from './resolvers/trace-cache.ts';
import { search, searchHitAttestation } from './resolvers/search.ts';
import type { Resolvers } from './resolvers/schema-types.ts';

export const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../schema');

export function loadTypeDefs(dir: string = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
}

export type GraphqlHandler = YogaServerInstance<Record<string, unknown>, ApiContext>;

export function createGraphqlHandler(
  context: ApiContext,
  options: { graphiql: boolean; limits: QueryLimits; onInternalError: (error: unknown) => void },
): GraphqlHandler {
  const schema = makeExecutableSchema<ApiContext>({
    typeDefs: loadTypeDefs(),
    resolvers: {
      JSON: JSONScalar,
      Query: { model, dataset, artifact, attestation, submission, lineage, modelsTrainedOn, incidentTrace, aiBom, search },
      SearchHit: { attestation: searchHitAttestation },
    } satisfies Resolvers,
  });
  // One cache per server: every request pages through the same recent traces.
  const shared: ApiContext = { ...context, traces: new TraceCache() };
  return createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.graphiql,
    landingPage: false,
    // Expected errors are answers, not incidents; unexpected ones are logged once below, by us.
    logging: false,
    context: () => shared,
    plugins: [useQueryLimits(options.limits)],
    maskedErrors: {
      // Our own errors keep their code and message; everything else becomes a generic INTERNAL.
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof ApiError) return original.toGraphQLError();
        const code = (original as { code?: unknown } | undefined)?.code;
        if (code === 'TOO_LARGE') {
          return new GraphQLError('the answer needs more memory than the database allows one query: ask a smaller question', {
            extensions: { code: 'RESULT_TOO_LARGE' },
          });
        }
        if (code === 'UNAVAILABLE' || code === 'QUEUE_UNAVAILABLE') {
          return new GraphQLError('a backing service is unavailable; try again shortly', {
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          });
        }
        // GraphQL's own errors (bad variables, unknown fields) are the client's: keep them, with a code.
        if (error instanceof GraphQLError && (original === undefined || original instanceof GraphQLError)) {
          return error.extensions['code']
            ? error
            : new GraphQLError(error.message, { ...error, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
        }
        options.onInternalError(original ?? error);
        return new GraphQLError(message, { extensions: { code: 'INTERNAL' } });
      },
    },
  });
}

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
import { model } from './resolvers/model.ts';
import { submission } from './resolvers/submission.ts';

export const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../schema');

export function loadTypeDefs(dir: string = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
}

export type GraphqlHandler = YogaServerInstance<Record<string, unknown>, ApiContext>;

export function createGraphqlHandler(context: ApiContext, options: { graphiql: boolean }): GraphqlHandler {
  const schema = makeExecutableSchema<ApiContext>({
    typeDefs: loadTypeDefs(),
    resolvers: { Query: { model, artifact, attestation, submission } },
  });
  return createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.graphiql,
    landingPage: false,
    context: () => context,
    maskedErrors: {
      // Our own errors keep their code and message; everything else becomes a generic INTERNAL.
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof ApiError) return original.toGraphQLError();
        if (error instanceof GraphQLError && !error.originalError) return error;
        const code = (original as { code?: unknown } | undefined)?.code;
        if (code === 'UNAVAILABLE' || code === 'QUEUE_UNAVAILABLE') {
          return new GraphQLError('a backing service is unavailable; try again shortly', {
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          });
        }
        return new GraphQLError(message, { extensions: { code: 'INTERNAL' } });
      },
    },
  });
}

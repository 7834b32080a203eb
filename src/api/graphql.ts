// GraphQL: SDL from schema/*.graphql (one file per type), thin resolvers, yoga as the HTTP handler.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Authorizer } from './auth.ts';
import type { ApiContext } from './context.ts';
import { OperationBudget } from './budget.ts';
import { queryScopeAbandoned } from '../graph/index.ts';
import { toApiError } from './errors.ts';
import { artifact } from './resolvers/artifact.ts';
import { attestation } from './resolvers/attestation.ts';
import { dataset } from './resolvers/dataset.ts';
import { incidentTrace } from './resolvers/incident-trace.ts';
import { closeIncident, incident, incidents, incidentWorkloads, openIncident } from './resolvers/incidents.ts';
import { deploymentDecision } from './resolvers/deployment-decision.ts';
import { lineage } from './resolvers/lineage.ts';
import { model } from './resolvers/model.ts';
import { modelsTrainedOn } from './resolvers/models-trained-on.ts';
import { IngestBatch, ingestBatch, submission } from './resolvers/submission.ts';
import { useQueryLimits, type QueryLimits } from './query-limits.ts';
import { useRawJson } from './raw-json.ts';
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
  options: { authorizer: Authorizer; graphiql: boolean; limits: QueryLimits; onInternalError: (error: unknown) => void },
): GraphqlHandler {
  const schema = makeExecutableSchema<ApiContext>({
    typeDefs: loadTypeDefs(),
    resolvers: {
      JSON: JSONScalar,
      Query: {
        model,
        dataset,
        artifact,
        attestation,
        submission,
        ingestBatch,
        lineage,
        modelsTrainedOn,
        incidentTrace,
        aiBom,
        search,
        deploymentDecision,
        incidents,
        incident,
        incidentWorkloads,
      },
      Mutation: { openIncident, closeIncident },
      IngestBatch,
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
    // Each operation gets its own budget of lineage nodes (one operation may ask for a few lineages, not a few large ones).
    // and its caller, for mutations (which need the ingest role) and their audit records.
    context: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return {
        ...shared,
        budget: new OperationBudget(shared.maxLineageNodes),
        caller: {
          identity: options.authorizer.identify(authorization),
          mayIngest: options.authorizer.allows(authorization, 'ingest'),
        },
      };
    },
    // Answers are written with RawJson text spliced in (raw-json.ts): the AI-BOM is serialised on its export thread.
    plugins: [useQueryLimits(options.limits), useRawJson()],
    maskedErrors: {
      // One mapper for REST and GraphQL (errors.ts); GraphQL's own errors (bad variables, unknown fields, the limits)
      // are the client's and keep their message, with a code.
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (error instanceof GraphQLError && (original === undefined || original === null || original instanceof GraphQLError)) {
          if (error.extensions['code']) return error;
          const code = (original instanceof GraphQLError ? original.extensions['code'] : undefined) ?? 'BAD_USER_INPUT';
          return new GraphQLError(error.message, { ...error, extensions: { ...error.extensions, code } });
        }
        const mapped = toApiError(original ?? error);
        if (mapped.code === 'INTERNAL') {
          // A cancelled query of an abandoned request fails however it fails; the client already has its answer.
          if (!queryScopeAbandoned()) options.onInternalError(original ?? error);
          return new GraphQLError(message, { extensions: { code: 'INTERNAL' } });
        }
        return mapped.toGraphQLError(error instanceof GraphQLError ? error : undefined);
      },
    },
  });
}

// Configuration: one zod schema over the environment, validated once at start.
// Every key is documented here and in README.md ("Configuration"); keep the two in step.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const tokenList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token.length > 0),
  )
  .refine((tokens) => tokens.every((token) => token.length >= 16), 'each token must be at least 16 characters');

export const configSchema = z.object({
  /** Interface the HTTP server binds to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** HTTP port for the REST ingest endpoint and GraphQL. 0 picks a free port. */
  PORT: port.default(8080),
  /** Bolt URI of Neo4j. */
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'must be a bolt:// or neo4j:// URI')
    .default('bolt://127.0.0.1:7687'),
  /** Neo4j user; leave unset when auth is disabled (the local dev server). */
  NEO4J_USER: z.string().optional(),
  /** Neo4j password, used with NEO4J_USER. */
  NEO4J_PASSWORD: z.string().optional(),
  /** Neo4j database name (Community edition has one user database). */
  NEO4J_DATABASE: z.string().min(1).default('neo4j'),
  /** Redis URL for the BullMQ ingest queue. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /**
   * Seed nodes of a Redis Cluster for the queue (comma-separated host:port); when set, REDIS_URL is not used and
   * QUEUE_PREFIX must carry a hash tag.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((node) => node.trim())
        .filter((node) => node.length > 0),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'each node must be host:port')).min(1))
    .optional(),
  /** BullMQ key prefix: `bull` by default, `{mpg}` by default on a Redis Cluster (a hash tag keeps the queue in one slot). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _, -, { and } only')
    .optional(),
  /** BullMQ queue name; tests use a random one each. */
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('attestations'),
  /** Which parts this process runs: the HTTP API, the ingest worker, or both. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Jobs one worker process verifies and writes in parallel. */
  WORKER_CONCURRENCY: positiveInt.default(4),
  /** Attempts for a job whose failure is an infrastructure fault (Neo4j or Redis unreachable). */
  JOB_ATTEMPTS: positiveInt.default(12),
  /** First retry delay of a failed job, in ms; each later retry waits twice as long. Read where jobs are submitted. */
  JOB_BACKOFF_MS: positiveInt.default(1000),
  /**
   * How long a running job stays locked to its worker without a heartbeat, in ms (BullMQ lockDuration; the
   * worker renews it every half of this). A worker that dies mid-job has its jobs taken up again after about
   * one to two of these periods, so shorter recovers faster but risks a busy worker losing its lock.
   */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Attestations a worker writes in one Neo4j transaction at most (group commit, docs/INGEST.md); 1 = one each. */
  WRITE_GROUP_SIZE: positiveInt.default(16),
  /** ms the first attestation of a group waits for others before it is written anyway. */
  WRITE_GROUP_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /** Path of the trust-policy JSON file (docs/TRUST-POLICY.md); unset = trust nothing, so every signature is rejected. */
  TRUST_POLICY_FILE: z.string().min(1).optional(),
  /** Largest accepted request body, in bytes. */
  MAX_BODY_BYTES: positiveInt.default(10 * 1024 * 1024),
  /** Largest document accepted while no API tokens are configured (anyone may submit then); larger ones need a token. */
  OPEN_INGEST_MAX_BYTES: positiveInt.default(1024 * 1024),
  /** Most documents in one batch (POST /v1/batches, docs/INGEST.md). */
  BATCH_MAX_DOCUMENTS: positiveInt.default(10_000),
  /** Largest batch request body, in bytes. */
  BATCH_MAX_BYTES: positiveInt.default(64 * 1024 * 1024),
  /** Share of Redis maxmemory above which new documents are refused with QUEUE_FULL (and /readyz says not ready). */
  /** Share of Redis maxmemory at which new documents are refused with QUEUE_FULL (and /readyz says not ready). */
  REDIS_MEMORY_HIGH_WATER: z.coerce.number().gt(0).max(1).default(0.8),
  /** Share of Redis maxmemory below which refused documents are taken again (a band, so /readyz does not flip). */
  REDIS_MEMORY_LOW_WATER: z.coerce.number().gt(0).max(1).default(0.7),
  /** Comma-separated bearer tokens that may read (GraphQL, submission status). Unset together with API_INGEST_TOKENS = no auth. */
  API_READ_TOKENS: tokenList,
  /** Comma-separated bearer tokens that may submit and replay (and read). */
  API_INGEST_TOKENS: tokenList,
  /** Deepest GraphQL selection accepted. */
  GRAPHQL_MAX_DEPTH: positiveInt.default(12),
  /** Largest GraphQL query cost accepted (fields × page sizes + traversal work, see src/api/query-limits.ts). */
  GRAPHQL_MAX_COST: positiveInt.default(50_000),
  /** Most traversal fields (lineage, incidentTrace, modelsTrainedOn, aiBom) in one GraphQL operation. */
  GRAPHQL_MAX_TRAVERSALS: positiveInt.default(4),
  /** Largest GraphQL request body, in bytes. */
  GRAPHQL_MAX_BYTES: positiveInt.default(64 * 1024),
  /** Largest GraphQL answer, in bytes; a larger one is replaced by RESULT_TOO_LARGE. */
  GRAPHQL_MAX_RESPONSE_BYTES: positiveInt.default(32 * 1024 * 1024),
  /** Deadline of one GraphQL operation or REST read, in ms: its Neo4j queries are stopped then and it answers QUERY_TIMEOUT. */
  QUERY_TIMEOUT_MS: positiveInt.default(10_000),
  /** Most components and parts one AI-BOM may list; a larger one is refused with RESULT_TOO_LARGE. */
  BOM_MAX_COMPONENTS: positiveInt.default(50_000),
  /** Time a client has to send a request's headers, in ms. */
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(30_000),
  /** Time a client has to send a whole request, body included, in ms (at least HTTP_HEADERS_TIMEOUT_MS). */
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(120_000),
  /** How long an idle keep-alive connection stays open, in ms. */
  HTTP_KEEPALIVE_TIMEOUT_MS: positiveInt.default(5_000),
  /** Most open HTTP connections; further ones are closed at once. */
  HTTP_MAX_CONNECTIONS: positiveInt.default(1000),
  /** Most nodes one `lineage` answer may have; a larger one is refused with RESULT_TOO_LARGE (lists page instead). */
  LINEAGE_MAX_NODES: positiveInt.default(10_000),
  /** Base URL clients reach the service at; exported AI-BOMs then link each attestation as <PUBLIC_URL>/v1/attestations/<digest>. */
  PUBLIC_URL: z.url().optional(),
  /** Log verbosity. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Checks between keys, on top of each key's own. */
function crossCheck(config: Config): string[] {
  const issues: string[] = [];
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS)
    issues.push('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  if (config.REDIS_CLUSTER_NODES && config.QUEUE_PREFIX !== undefined && !/\{[^{}]+\}/.test(config.QUEUE_PREFIX))
    issues.push('QUEUE_PREFIX: must carry a hash tag such as {mpg} on a Redis Cluster (REDIS_CLUSTER_NODES is set)');
  return issues;
}

/** The BullMQ prefix in force: QUEUE_PREFIX, else `{mpg}` on a Redis Cluster and BullMQ's own `bull` otherwise. */
export function queuePrefix(config: Config): string {
  return config.QUEUE_PREFIX ?? (config.REDIS_CLUSTER_NODES ? '{mpg}' : 'bull');
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Reads the keys of `configSchema` from `env`; throws a ConfigError naming every bad key. Empty strings count as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const given = picked[key];
        return `${key}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
      }),
    );
  }
  const conflicts = crossCheck(parsed.data);
  if (conflicts.length > 0) throw new ConfigError(conflicts);
  return parsed.data;
}

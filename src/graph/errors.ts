// Graph faults are infrastructure errors: the caller retries `UNAVAILABLE`, reports the rest.
import neo4j from 'neo4j-driver';
import { CodedError } from '../coded-error.ts';

/**
 * TOO_LARGE: the query needed more memory than the server allows one transaction (not worth retrying as is).
 * TIMEOUT: the query ran past the deadline of the request it serves and Neo4j stopped it (request-scope.ts).
 * UNAVAILABLE also covers a connection pool with no free connection within the acquisition timeout: the database is
 * overloaded rather than down, and trying again later may succeed either way.
 */
export type GraphErrorCode = 'UNAVAILABLE' | 'QUERY_FAILED' | 'MIGRATION_FAILED' | 'TOO_LARGE' | 'TIMEOUT';

/**
 * Neo4j reports a transaction over `dbms.memory.transaction.total.max` (or `db.memory.transaction.max`) as a
 * transient error, but the same question fails the same way every time: it must be asked smaller.
 */
const MEMORY_LIMIT_CODES = new Set([
  'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
  'Neo.TransientError.General.TransactionMemoryLimit',
]);

/** A transaction stopped by its timeout (here always the one the request's deadline set). */
const TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
]);

/** The driver's own error when the pool has no free connection in time (it carries no Neo4j status code). */
const POOL_EXHAUSTED = /^Connection acquisition timed out/;

export class GraphError extends CodedError<GraphErrorCode> {
  /** True when trying again later may succeed (the database is down, restarting or overloaded). */
  get retryable(): boolean {
    return this.code === 'UNAVAILABLE';
  }
}

/** Wraps a driver error: connection loss and transient errors become UNAVAILABLE so the queue retries them. */
export function toGraphError(error: unknown, doing: string): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof neo4j.Neo4jError && MEMORY_LIMIT_CODES.has(error.code)) {
    return new GraphError('TOO_LARGE', `${doing}: the database refused the memory this needs: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof neo4j.Neo4jError && TIMEOUT_CODES.has(error.code)) {
    return new GraphError('TIMEOUT', `${doing}: stopped at the request's deadline`, { cause: error });
  }
  if (error instanceof neo4j.Neo4jError && POOL_EXHAUSTED.test(error.message)) {
    return new GraphError('UNAVAILABLE', `${doing}: no free database connection (${error.message})`, { cause: error });
  }
  const transient = error instanceof neo4j.Neo4jError && neo4j.isRetryableError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new GraphError(transient ? 'UNAVAILABLE' : 'QUERY_FAILED', `${doing}: ${message}`, { cause: error });
}

/**
 * A question whose answer has more nodes than the caller allows (a lineage of a foundation model at depth 10 can
 * reach a hundred thousand). Not a fault: the caller asks again with a smaller depth or one direction.
 */
export class TooManyNodes extends Error {
  readonly reached: number;
  readonly limit: number;
  constructor(reached: number, limit: number) {
    super(`the answer would have ${reached} nodes, more than the limit of ${limit}`);
    this.name = 'TooManyNodes';
    this.reached = reached;
    this.limit = limit;
  }
}

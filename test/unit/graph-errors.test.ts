// Which driver errors the queue retries and which it reports: a transaction over Neo4j's memory limit is flagged
// "transient" by the server, yet fails the same way on every retry, so it must not be retried as UNAVAILABLE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { toGraphError } from '../../src/graph/errors.ts';

/** A driver error as the server (or, with status 'N/A', the driver itself) raises it. */
const driverError = (message: string, status: string) => new neo4j.Neo4jError(message, status, 'N/A', 'N/A');

describe('toGraphError', () => {
  const cases = [
    {
      what: 'a transaction over the memory limit is TOO_LARGE, not retryable',
      error: driverError(
        'The allocation of an extra 2.0 MiB would use more than the limit 537.6 MiB. dbms.memory.transaction.total.max threshold reached',
        'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
      ),
      code: 'TOO_LARGE',
      retryable: false,
    },
    {
      what: 'another transient error (a deadlock) stays retryable',
      error: driverError('deadlock', 'Neo.TransientError.Transaction.DeadlockDetected'),
      code: 'UNAVAILABLE',
      retryable: true,
    },
    {
      what: 'a client error is a query failure',
      error: driverError('bad', 'Neo.ClientError.Statement.SyntaxError'),
      code: 'QUERY_FAILED',
      retryable: false,
    },
    {
      what: "a transaction stopped at the request's deadline is TIMEOUT",
      error: driverError(
        'The transaction has been terminated. Retry your operation in a new transaction',
        'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
      ),
      code: 'TIMEOUT',
      retryable: false,
    },
    {
      // The driver's own error: no Neo4j status code, only its message.
      what: 'an exhausted connection pool is UNAVAILABLE',
      error: driverError(
        'Connection acquisition timed out in 10000 ms. Pool status: Active conn count = 100, Idle conn count = 0.',
        'N/A',
      ),
      code: 'UNAVAILABLE',
      retryable: true,
    },
  ];
  for (const { what, error, code, retryable } of cases) {
    it(what, () => {
      const mapped = toGraphError(error, 'traversing lineage');
      assert.equal(mapped.code, code);
      assert.equal(mapped.retryable, retryable);
      assert.match(mapped.message, /^traversing lineage: /);
    });
  }
});

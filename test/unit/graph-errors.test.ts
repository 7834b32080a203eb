// Which driver errors the queue retries and which it reports: a transaction over Neo4j's memory limit is flagged
// "transient" by the server, yet fails the same way on every retry, so it must not be retried as UNAVAILABLE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { toGraphError } from '../../src/graph/errors.ts';

describe('toGraphError', () => {
  it('reports a transaction over the memory limit as TOO_LARGE, not retryable', () => {
    const error = toGraphError(
      new neo4j.Neo4jError(
        'The allocation of an extra 2.0 MiB would use more than the limit 537.6 MiB. dbms.memory.transaction.total.max threshold reached',
        'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
        'N/A',
        'N/A',
      ),
      'traversing lineage',
    );
    assert.equal(error.code, 'TOO_LARGE');
    assert.equal(error.retryable, false);
    assert.match(error.message, /^traversing lineage: /);
  });

  it('keeps other transient errors retryable and the rest as query failures', () => {
    const deadlock = toGraphError(
      new neo4j.Neo4jError('deadlock', 'Neo.TransientError.Transaction.DeadlockDetected', 'N/A', 'N/A'),
      'writing',
    );
    assert.equal(deadlock.code, 'UNAVAILABLE');
    assert.equal(deadlock.retryable, true);
    const syntax = toGraphError(new neo4j.Neo4jError('bad', 'Neo.ClientError.Statement.SyntaxError', 'N/A', 'N/A'), 'reading');
    assert.equal(syntax.code, 'QUERY_FAILED');
    assert.equal(syntax.retryable, false);
  });

  it("reports a transaction stopped at the request's deadline as TIMEOUT, and an exhausted pool as UNAVAILABLE", () => {
    const timedOut = toGraphError(
      new neo4j.Neo4jError(
        'The transaction has been terminated. Retry your operation in a new transaction',
        'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
        'N/A',
        'N/A',
      ),
      'traversing lineage',
    );
    assert.equal(timedOut.code, 'TIMEOUT');
    assert.equal(timedOut.retryable, false);
    // The driver's own error: no Neo4j status code, only its message.
    const pool = toGraphError(
      new neo4j.Neo4jError(
        'Connection acquisition timed out in 10000 ms. Pool status: Active conn count = 100, Idle conn count = 0.',
        'N/A',
        'N/A',
        'N/A',
      ),
      'reading',
    );
    assert.equal(pool.code, 'UNAVAILABLE');
    assert.equal(pool.retryable, true);
  });
});

// The one error mapper shared by REST and GraphQL: each domain error gets its API code and HTTP status, anything
// unknown is INTERNAL, and no message echoes more than a short piece of what the client sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { ApiError, parseDigest, toApiError } from '../../../src/api/errors.ts';
import { BomError } from '../../../src/bom/index.ts';
import { GraphError, TooManyNodes } from '../../../src/graph/index.ts';
import { IngestError } from '../../../src/ingest/index.ts';

describe('toApiError', () => {
  const cases: [unknown, string, number][] = [
    [new GraphError('UNAVAILABLE', 'down'), 'SERVICE_UNAVAILABLE', 503],
    [new GraphError('TIMEOUT', 'stopped'), 'QUERY_TIMEOUT', 504],
    [new GraphError('TOO_LARGE', 'memory'), 'RESULT_TOO_LARGE', 400],
    [new GraphError('QUERY_FAILED', 'syntax'), 'INTERNAL', 500],
    [new TooManyNodes(20_000, 10_000), 'RESULT_TOO_LARGE', 400],
    [new IngestError('QUEUE_UNAVAILABLE', 'redis'), 'SERVICE_UNAVAILABLE', 503],
    [new IngestError('QUEUE_FULL', 'full'), 'QUEUE_FULL', 503],
    [new IngestError('EMPTY_DOCUMENT', 'empty'), 'BAD_REQUEST', 400],
    [new BomError('NOT_FOUND', 'no such model'), 'NOT_FOUND', 404],
    [new BomError('NOT_A_MODEL', 'a dataset'), 'BAD_REQUEST', 400],
    [new BomError('TOO_LARGE', 'big'), 'RESULT_TOO_LARGE', 400],
    [new BomError('BUSY', 'queued'), 'SERVICE_UNAVAILABLE', 503],
    [new BomError('INVALID_BOM', 'bug'), 'INTERNAL', 500],
    [new ApiError('FORBIDDEN', 'read only'), 'FORBIDDEN', 403],
    [new TypeError('x is undefined'), 'INTERNAL', 500],
    ['a string', 'INTERNAL', 500],
    // A resolver's error as GraphQL hands it over: mapped by what it wraps.
    [new GraphQLError('wrapped', { originalError: new GraphError('TIMEOUT', 'stopped') }), 'QUERY_TIMEOUT', 504],
  ];
  for (const [error, code, status] of cases) {
    const name = error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''}` : String(error);
    it(`${name} → ${code} ${status}`, () => {
      const mapped = toApiError(error);
      assert.equal(mapped.code, code);
      assert.equal(mapped.httpStatus, status);
      if (code === 'INTERNAL')
        assert.equal(mapped.message, 'internal error', 'nothing of an unexpected error reaches the client');
    });
  }

  it('never echoes more than a short piece of the input', () => {
    const huge = `sha256:${'z'.repeat(100_000)}`;
    assert.throws(
      () => parseDigest(huge),
      (error: unknown) => error instanceof ApiError && error.code === 'INVALID_DIGEST' && error.message.length < 200,
    );
    assert.ok(new ApiError('BAD_REQUEST', 'x'.repeat(100_000)).message.length <= 500);
  });
});

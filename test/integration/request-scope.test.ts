// Request scopes on the real Neo4j: a query started inside one carries the time left as its transaction timeout (the
// server stops it there), an abandoned request cancels its running query, a query after the deadline does not start,
// and outside a scope nothing changes. Whichever read path starts the query: executeQuery or a session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { closeGraph, connectGraph, withQueryScope, type GraphConnection, type GraphError } from '../../src/graph/index.ts';
import { toGraphError } from '../../src/graph/errors.ts';
import { integrationEnv } from '../support/service.ts';

/** Counts to a billion: many seconds of work on any machine. */
const SLOW = 'UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 8 RETURN count(x) AS n';

async function failure(work: Promise<unknown>): Promise<{ error: GraphError; ms: number }> {
  const started = Date.now();
  try {
    await work;
  } catch (error) {
    return { error: toGraphError(error, 'test'), ms: Date.now() - started };
  }
  throw new Error('the query was expected to fail');
}

describe('request scopes', () => {
  let graph: GraphConnection;
  before(() => {
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
  });
  after(() => closeGraph(graph));

  const scope = (ms: number, signal = new AbortController().signal) => ({ deadline: Date.now() + ms, signal });

  it('stops a query at the deadline (executeQuery and session.run alike) with TIMEOUT', async () => {
    const viaExecute = await failure(
      withQueryScope(scope(500), () =>
        graph.driver.executeQuery(SLOW, {}, { database: graph.database, routing: neo4j.routing.READ }),
      ),
    );
    assert.equal(viaExecute.error.code, 'TIMEOUT', viaExecute.error.message);
    assert.ok(viaExecute.ms < 5000, `stopped after ${viaExecute.ms} ms`);

    const session = graph.driver.session({ database: graph.database });
    try {
      const viaSession = await failure(withQueryScope(scope(500), () => session.run(SLOW)));
      assert.equal(viaSession.error.code, 'TIMEOUT', viaSession.error.message);
      assert.ok(viaSession.ms < 5000, `stopped after ${viaSession.ms} ms`);
    } finally {
      await session.close();
    }
  });

  it('cancels a running query when the request is abandoned, and the server no longer runs it', async () => {
    const controller = new AbortController();
    const running = failure(
      withQueryScope(scope(60_000, controller.signal), () =>
        graph.driver.executeQuery(`${SLOW} // cancel-me`, {}, { database: graph.database, routing: neo4j.routing.READ }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const { ms } = await running;
    assert.ok(ms < 5000, `cancelled after ${ms} ms`);
    for (let i = 0; ; i++) {
      const { records } = await graph.driver.executeQuery(
        'SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery',
        {},
        { database: graph.database },
      );
      const still = records.filter((r) => String(r.get('currentQuery')).includes('cancel-me'));
      if (still.length === 0) break;
      assert.ok(i < 50, 'the cancelled query still runs on the server 5 s later');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('does not start a query after the deadline; outside a scope queries run as configured', async () => {
    const late = await failure(
      withQueryScope(scope(-1), () => graph.driver.executeQuery('RETURN 1', {}, { database: graph.database })),
    );
    assert.equal(late.error.code, 'TIMEOUT');
    const { records } = await graph.driver.executeQuery('RETURN 1 AS one', {}, { database: graph.database });
    assert.equal(records[0]?.get('one').toNumber(), 1);
  });
});

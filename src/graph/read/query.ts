// Every query outside the attestation write transaction (write/attestation.ts) runs through here: reads with
// `readAll`/`readEach`, single statements such as migrations and their lease with `writeStatement`.
//
// Read queries that return whole answers (traversals, evidence): one auto-commit transaction with every record
// fetched at once. `driver.executeQuery` opens an explicit transaction (BEGIN … COMMIT) and pulls records in
// batches of 1,000, one round trip per batch, so a 10,000-node trace paid ten extra round trips.
import neo4j, { type Record as Neo4jRecord } from 'neo4j-driver';
import type { GraphConnection } from '../driver.ts';
import { toGraphError } from '../errors.ts';

const TRIES = 3;
/** The driver's FETCH_ALL (not exported by neo4j-driver): the server streams the whole result without waiting. */
const FETCH_ALL = -1;

/** Runs a read-only query and returns all its records; transient faults are tried again a few times. */
export async function readAll(
  graph: GraphConnection,
  query: string,
  params: Record<string, unknown>,
  doing: string,
): Promise<Neo4jRecord[]> {
  const records: Neo4jRecord[] = [];
  await readEach(graph, query, params, doing, (record) => records.push(record));
  return records;
}

/**
 * Runs a read-only query and hands each record to `onRecord` as it arrives, so the caller can start follow-up work
 * while the server is still producing the rest. A transient fault before the first record is tried again.
 */
export async function readEach(
  graph: GraphConnection,
  query: string,
  params: Record<string, unknown>,
  doing: string,
  onRecord: (record: Neo4jRecord) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const session = graph.driver.session({
      database: graph.database,
      defaultAccessMode: neo4j.session.READ,
      fetchSize: FETCH_ALL,
    });
    let delivered = false;
    try {
      for await (const record of session.run(query, params)) {
        delivered = true;
        onRecord(record);
      }
      return;
    } catch (error) {
      const retryable = error instanceof neo4j.Neo4jError && neo4j.isRetryableError(error);
      if (!retryable || delivered || attempt >= TRIES) throw toGraphError(error, doing);
    } finally {
      await session.close();
    }
  }
}

/**
 * One write statement in a managed transaction, retried by the driver on transient faults for up to its
 * `maxTransactionRetryTime` (driver.ts). Driver errors are left to the caller, which knows which ones it expects.
 */
export async function writeStatement(
  graph: GraphConnection,
  query: string,
  params: Record<string, unknown> = {},
): Promise<Neo4jRecord[]> {
  const { records } = await graph.driver.executeQuery(query, params, { database: graph.database });
  return records;
}

/** A Cypher integer (a neo4j Integer, lossless by default) or float as a JS number. */
export function toNumber(value: unknown): number {
  return neo4j.isInt(value) ? value.toNumber() : Number(value);
}

/** `toNumber`, with a missing value (null, or absent from a map) kept as null. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

// Batches: many documents submitted in one request, and their progress read in one call (docs/INGEST.md).
//
// Every document of a batch is *watched*: the batch is added to the document's watcher set before its job is queued,
// and the worker, once it has a verdict, sets the document's result and then records it in every watching batch.
// The submitter reads the result after adding itself as a watcher, so whichever of the two comes second records it
// (a verdict the worker reached before the batch watched is read by the submitter; one it reaches after is recorded
// by the worker), and the record is written once per (batch, document) whoever writes it. A document already queued
// or running for another submission is therefore counted in this batch too, with the verdict of that one run.
//
// All keys sit under the queue's own prefix (`<QUEUE_PREFIX>:<queue>:`), so on a Redis Cluster the prefix's hash tag
// keeps them in one slot with the queue's keys (src/ingest/redis.ts).
import type { RedisClient } from './redis.ts';

export type BatchState = 'verified' | 'rejected' | 'failed';

/** A document's final state: a verdict, or `failed` when the service gave up on infrastructure faults. */
export interface DocumentOutcome {
  readonly state: BatchState;
  /** the rejection code (rejected) or null. */
  readonly code: string | null;
  /** why it failed (failed only). */
  readonly message: string | null;
}

export interface BatchProblem extends DocumentOutcome {
  readonly id: string;
  /** the document's origin as submitted (e.g. `file:models/a.sigstore.json`). */
  readonly origin: string;
}

export interface BatchProgress {
  readonly id: string;
  readonly createdAt: string;
  /** distinct documents in the batch (a document given twice counts once). */
  readonly total: number;
  /** documents without a final state yet. */
  readonly pending: number;
  readonly verified: number;
  readonly rejected: number;
  readonly failed: number;
  readonly rejectedByCode: Readonly<Record<string, number>>;
  /** the rejected and failed documents from `offset`, at most `limit` of them, in the order they were recorded. */
  readonly problems: readonly BatchProblem[];
}

/** How long a batch's progress and a document's last result stay readable. */
export const BATCH_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * KEYS: batch hash, batch documents hash, batch outcomes hash, batch problems list. ARGV: document id, outcome JSON,
 * state, code ('' for none), retention seconds. Writes the outcome once; counts it once.
 */
const RECORD = `
local origin = redis.call('HGET', KEYS[2], ARGV[1])
if not origin then return 0 end
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[3], ARGV[5])
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[1], 'code:' .. ARGV[4], 1) end
if ARGV[3] ~= 'verified' then
  redis.call('RPUSH', KEYS[4], cjson.encode({id = ARGV[1], origin = origin, outcome = ARGV[2]}))
  redis.call('EXPIRE', KEYS[4], ARGV[5])
end
return 1`;

export interface BatchKeys {
  /** the queue's key for a name (`<prefix>:<queue>:<name>`). */
  key(name: string): string;
}

export function batchStore(client: () => Promise<RedisClient>, keys: BatchKeys) {
  const batchKeys = (batch: string) => {
    const base = keys.key(`batch:${batch}`);
    return { meta: base, docs: `${base}:docs`, outcomes: `${base}:outcomes`, problems: `${base}:problems` };
  };
  const watchKey = (id: string) => keys.key(`watch:${id}`);
  const resultKey = (id: string) => keys.key(`result:${id}`);

  async function record(redis: RedisClient, batch: string, id: string, outcome: DocumentOutcome): Promise<void> {
    const k = batchKeys(batch);
    await redis.eval(
      RECORD,
      4,
      k.meta,
      k.docs,
      k.outcomes,
      k.problems,
      id,
      JSON.stringify(outcome),
      outcome.state,
      outcome.code ?? '',
      BATCH_RETENTION_SECONDS,
    );
  }

  return {
    /** Creates the batch and makes it watch each document (id → origin). Call before queuing their jobs. */
    async open(batch: string, documents: ReadonlyMap<string, string>): Promise<void> {
      const redis = await client();
      const k = batchKeys(batch);
      const pipeline = redis.multi();
      pipeline.hset(k.meta, { total: documents.size, createdAt: new Date().toISOString() });
      pipeline.expire(k.meta, BATCH_RETENTION_SECONDS);
      if (documents.size > 0) {
        pipeline.hset(k.docs, Object.fromEntries(documents));
        pipeline.expire(k.docs, BATCH_RETENTION_SECONDS);
      }
      for (const id of documents.keys()) {
        pipeline.sadd(watchKey(id), batch);
        pipeline.expire(watchKey(id), BATCH_RETENTION_SECONDS);
      }
      await pipeline.exec();
    },

    /** Forgets a document's last result, before a fresh run of it is queued. */
    async clearResults(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const redis = await client();
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.del(resultKey(id));
      await pipeline.exec();
    },

    /** After the jobs are queued: records in the batch every result the worker set before the batch watched. */
    async collect(batch: string, ids: readonly string[]): Promise<void> {
      const redis = await client();
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.get(resultKey(id));
      const results = (await pipeline.exec()) ?? [];
      for (const [index, [, value]] of results.entries()) {
        const id = ids[index];
        if (id !== undefined && typeof value === 'string') await record(redis, batch, id, JSON.parse(value) as DocumentOutcome);
      }
    },

    /** The worker's side: the document's result, then a record in every batch watching it. */
    async finish(id: string, outcome: DocumentOutcome): Promise<void> {
      const redis = await client();
      await redis.set(resultKey(id), JSON.stringify(outcome), 'EX', BATCH_RETENTION_SECONDS);
      const batches = await redis.smembers(watchKey(id));
      for (const batch of batches) await record(redis, batch, id, outcome);
      if (batches.length > 0) await redis.srem(watchKey(id), ...batches);
    },

    async progress(batch: string, offset: number, limit: number): Promise<BatchProgress | null> {
      const redis = await client();
      const k = batchKeys(batch);
      const meta = await redis.hgetall(k.meta);
      if (meta['total'] === undefined) return null;
      const count = (name: string): number => Number(meta[name] ?? 0);
      const rejectedByCode: Record<string, number> = {};
      for (const [name, value] of Object.entries(meta))
        if (name.startsWith('code:')) rejectedByCode[name.slice(5)] = Number(value);
      const rows = limit > 0 ? await redis.lrange(k.problems, offset, offset + limit - 1) : [];
      const problems = rows.map((row) => {
        const { id, origin, outcome } = JSON.parse(row) as { id: string; origin: string; outcome: string };
        return { id, origin, ...(JSON.parse(outcome) as DocumentOutcome) };
      });
      const [verified, rejected, failed] = [count('verified'), count('rejected'), count('failed')];
      return {
        id: batch,
        createdAt: meta['createdAt'] ?? '',
        total: count('total'),
        pending: count('total') - verified - rejected - failed,
        verified,
        rejected,
        failed,
        rejectedByCode,
        problems,
      };
    },
  };
}

export type BatchStore = ReturnType<typeof batchStore>;

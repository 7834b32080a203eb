// How `mpg ingest` talks to the service: documents go in batches (POST /v1/batches, docs/INGEST.md), each carrying
// its documents' exact bytes and origins, and with --wait the verdicts come from the batches' progress (one read per
// batch per poll, not one per document), then the rejected and failed documents page by page.
import { submissionId } from '../../ingest/index.ts';
import { readVerdict, send, errorOf, type RestClient } from '../rest-client.ts';
import type { SourceDocument } from './discover.ts';
import { forEachConcurrent } from './pool.ts';
import { recordProblem, type Tally } from './summary.ts';

export interface BatchRunOptions {
  readonly client: RestClient;
  /** batches in flight at once. */
  readonly concurrency: number;
  readonly wait: boolean;
  /** with wait: give up on verdicts when none has arrived for this long. */
  readonly timeoutMs: number;
  /** documents per batch at most. */
  readonly batchSize: number;
  /** bytes of documents per batch at most (base64 in the request adds a third). */
  readonly batchBytes: number;
}

interface SentBatch {
  readonly id: string;
  /** submission id → the sources that held that document (the same bytes in two files are one document). */
  readonly sources: Map<string, string[]>;
}

interface Progress {
  readonly pending: number;
  readonly verified: number;
  readonly rejected: number;
  readonly failed: number;
  readonly problems: readonly { id: string; state: string; code: string | null; message: string | null }[];
}

const POLL_MS = 500;
const PAGE = 1000;
const FILE = 'file:';

/** Submits every document in batches; with `wait`, records every document's verdict in the tally. */
export async function ingestInBatches(
  documents: AsyncIterable<SourceDocument>,
  options: BatchRunOptions,
  tally: Tally,
): Promise<void> {
  const sent: SentBatch[] = [];
  await forEachConcurrent(chunks(documents, options), options.concurrency, async (chunk) => {
    tally.read += chunk.length;
    const batch = await submit(options.client, chunk, tally);
    if (batch) sent.push(batch);
  });
  if (options.wait) await awaitVerdicts(sent, options, tally);
}

async function* chunks(documents: AsyncIterable<SourceDocument>, options: BatchRunOptions): AsyncGenerator<SourceDocument[]> {
  let chunk: SourceDocument[] = [];
  let bytes = 0;
  for await (const doc of documents) {
    if (chunk.length > 0 && (chunk.length >= options.batchSize || bytes + doc.body.byteLength > options.batchBytes)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(doc);
    bytes += doc.body.byteLength;
  }
  if (chunk.length > 0) yield chunk;
}

async function submit(client: RestClient, chunk: readonly SourceDocument[], tally: Tally): Promise<SentBatch | null> {
  const lines = chunk.map((doc) => JSON.stringify({ document: doc.body.toString('base64'), origin: `${FILE}${doc.source}` }));
  const reply = await send(client, '/v1/batches', {
    method: 'POST',
    body: `${lines.join('\n')}\n`,
    contentType: 'application/x-ndjson',
  });
  const body = reply.kind === 'answered' && reply.status === 202 ? reply.body : undefined;
  if (typeof body?.['id'] !== 'string') {
    const { code, message } = errorOf(reply);
    const status = reply.kind === 'answered' ? `HTTP ${reply.status}: ` : '';
    for (const doc of chunk)
      recordProblem(tally, { source: doc.source, id: null, outcome: 'refused', code, message: `${status}${message}` });
    return null;
  }
  const refused = (body['refused'] ?? []) as { origin: string; code: string; message: string }[];
  const refusedSources = new Set(refused.map((r) => sourceOf(r.origin)));
  for (const r of refused) {
    recordProblem(tally, { source: sourceOf(r.origin), id: null, outcome: 'refused', code: r.code, message: r.message });
  }
  const sources = new Map<string, string[]>();
  for (const doc of chunk) {
    if (refusedSources.has(doc.source)) continue;
    const id = submissionId(doc.body);
    sources.set(id, [...(sources.get(id) ?? []), doc.source]);
    tally.submitted += 1;
  }
  tally.created += Number(body['created'] ?? 0);
  return { id: body['id'], sources };
}

const sourceOf = (origin: string): string => (origin.startsWith(FILE) ? origin.slice(FILE.length) : origin);

async function readProgress(client: RestClient, id: string, offset: number, limit: number): Promise<Progress | null> {
  const reply = await send(client, `/v1/batches/${id}?offset=${offset}&limit=${limit}`);
  return reply.kind === 'answered' && reply.ok && reply.body ? (reply.body as unknown as Progress) : null;
}

/**
 * Polls the batches until none has a pending document, or until no verdict has arrived for `timeoutMs`; then records
 * every document's outcome. Meanwhile the tally shows the batches' counts, for the progress line.
 */
async function awaitVerdicts(sent: readonly SentBatch[], options: BatchRunOptions, tally: Tally): Promise<void> {
  const latest = new Map<string, Progress>();
  let lastChange = Date.now();
  let lastSettled = -1;
  for (;;) {
    const open = sent.filter((b) => (latest.get(b.id)?.pending ?? 1) > 0);
    if (open.length === 0) break;
    await forEachConcurrent(toAsync(open), options.concurrency, async (batch) => {
      const progress = await readProgress(options.client, batch.id, 0, 0);
      if (progress) latest.set(batch.id, progress);
    });
    const totals = [...latest.values()];
    const settledNow = totals.reduce((sum, p) => sum + p.verified + p.rejected + p.failed, 0);
    if (settledNow !== lastSettled) [lastSettled, lastChange] = [settledNow, Date.now()];
    tally.verified = totals.reduce((sum, p) => sum + p.verified, 0);
    if (Date.now() - lastChange > options.timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  // The live counts give way to the exact outcome of every document.
  tally.verified = 0;
  await forEachConcurrent(toAsync(sent), options.concurrency, (batch) => settle(batch, latest.get(batch.id), options, tally));
}

async function settle(batch: SentBatch, last: Progress | undefined, options: BatchRunOptions, tally: Tally): Promise<void> {
  const decided = new Set<string>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await readProgress(options.client, batch.id, offset, PAGE);
    for (const problem of page?.problems ?? []) {
      decided.add(problem.id);
      for (const source of batch.sources.get(problem.id) ?? []) {
        const failed = problem.state === 'failed';
        recordProblem(tally, {
          source,
          id: problem.id,
          outcome: failed ? 'failed' : 'rejected',
          code: failed ? 'FAILED' : (problem.code ?? 'UNKNOWN'),
          message: problem.message ?? '',
        });
      }
    }
    if ((page?.problems.length ?? 0) < PAGE) break;
  }
  const seconds = Math.round(options.timeoutMs / 1000);
  for (const [id, sources] of batch.sources) {
    if (decided.has(id)) continue;
    // Every document of a finished batch that is not a problem verified; of an unfinished one, each is asked.
    const verdict = last?.pending === 0 ? ({ kind: 'verified' } as const) : await readVerdict(options.client, id);
    for (const source of sources) {
      if (verdict.kind === 'verified') tally.verified += 1;
      else if (verdict.kind === 'rejected')
        recordProblem(tally, { source, id, outcome: 'rejected', code: verdict.code, message: verdict.message });
      else if (verdict.kind === 'failed')
        recordProblem(tally, { source, id, outcome: 'failed', code: 'FAILED', message: verdict.message });
      else
        recordProblem(tally, {
          source,
          id,
          outcome: 'pending',
          code: 'PENDING',
          message: `no verdict after ${seconds} s without progress`,
        });
    }
  }
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

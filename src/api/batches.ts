// Batches over REST (docs/INGEST.md): `POST /v1/batches` takes many documents in one request, as JSON Lines or a JSON
// array, and answers at once with the batch's id; `GET /v1/batches/<id>` is its progress in one read.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { BatchDocument } from '../ingest/index.ts';
import { readBody } from './body.ts';
import { ApiError, quote } from './errors.ts';

export interface BatchLimits {
  /** documents per batch at most (BATCH_MAX_DOCUMENTS). */
  readonly maxDocuments: number;
  /** bytes per batch request at most (BATCH_MAX_BYTES). */
  readonly maxBytes: number;
  /** bytes per document at most (MAX_BODY_BYTES, or OPEN_INGEST_MAX_BYTES without tokens). */
  readonly maxDocumentBytes: number;
}

/**
 * An entry that carries a document's exact bytes (its id is their SHA-256) and, optionally, where it came from. Any
 * other entry is the document itself.
 */
const wrapped = z.strictObject({ document: z.base64().min(1), origin: z.string().min(1).max(1000).optional() });

const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isBatchId(value: string): boolean {
  return BATCH_ID.test(value);
}

/**
 * The documents of a batch request. JSON Lines (the default): one entry per line, blank lines skipped; an entry that
 * is not a wrapper is the line's bytes as they are. A JSON array (`content-type: application/json`): each element a
 * wrapper, or a document, taken in its compact JSON form (send wrappers to keep a pretty-printed file's exact bytes).
 */
export async function readBatch(
  request: IncomingMessage,
  limits: BatchLimits,
  origin: string,
): Promise<{ documents: BatchDocument[]; refused: RefusedDocument[] }> {
  const body = await readBody(request, limits.maxBytes);
  const array = (request.headers['content-type'] ?? '').split(';')[0]?.trim() === 'application/json';
  const entries = array ? arrayEntries(body) : lineEntries(body);
  if (entries.length === 0) throw new ApiError('BAD_REQUEST', 'the batch holds no documents');
  if (entries.length > limits.maxDocuments)
    throw new ApiError('PAYLOAD_TOO_LARGE', `the batch holds ${entries.length} documents; the limit is ${limits.maxDocuments}`);
  const documents: BatchDocument[] = [];
  const refused: RefusedDocument[] = [];
  for (const { bytes, parsed, place } of entries) {
    const wrapper = wrapped.safeParse(parsed);
    const document = wrapper.success ? Buffer.from(wrapper.data.document, 'base64') : bytes;
    const from = (wrapper.success ? wrapper.data.origin : undefined) ?? `${origin}:${place}`;
    // One document the service cannot take is refused by itself, as it would be alone; the others go on.
    if (document.byteLength > limits.maxDocumentBytes)
      refused.push({
        origin: from,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the document is ${document.byteLength} bytes; the limit is ${limits.maxDocumentBytes}`,
      });
    else documents.push({ document, origin: from });
  }
  return { documents, refused };
}

/** A document of a batch that was not taken, with the code it would have had as a submission of its own. */
export interface RefusedDocument {
  readonly origin: string;
  readonly code: 'PAYLOAD_TOO_LARGE';
  readonly message: string;
}

interface Entry {
  readonly bytes: Buffer;
  readonly parsed: unknown;
  /** `line N` or `[N]`, for messages and default origins. */
  readonly place: string;
}

function lineEntries(body: Buffer): Entry[] {
  const entries: Entry[] = [];
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    line++;
    let bytes = body.subarray(start, end);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    start = end + 1;
    if (bytes.toString('utf8').trim() === '') continue;
    entries.push({ bytes, parsed: parseOrText(bytes), place: `line ${line}` });
  }
  return entries;
}

function arrayEntries(body: Buffer): Entry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `the batch is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed)) throw new ApiError('BAD_REQUEST', 'a JSON batch must be an array of documents');
  return parsed.map((element: unknown, index) => ({
    bytes: Buffer.from(JSON.stringify(element)),
    parsed: element,
    place: `[${index}]`,
  }));
}

/** A line that is not JSON is still a document (the verifier rejects it with its reason, as for one submission). */
function parseOrText(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}

/** `offset` and `limit` of the problems list in a progress read. */
export function pageOf(url: URL, maxPage: number): { offset: number; limit: number } {
  const number = (name: string, fallback: number): number => {
    const text = url.searchParams.get(name);
    if (text === null) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0)
      throw new ApiError('BAD_REQUEST', `${name} must be a whole number ≥ 0, not ${quote(text)}`);
    return value;
  };
  return { offset: number('offset', 0), limit: Math.min(number('limit', 100), maxPage) };
}

// `ingest`: bulk submission of attestation files and folders to a running service, with bounded concurrency,
// progress on stderr and a summary of what became of every document.
import { UsageError, parse } from '../args.ts';
import {
  countDocuments,
  discoverFiles,
  DiscoveryError,
  readDocuments,
  type InputFile,
  type SourceDocument,
} from '../ingest/discover.ts';
import { ingestInBatches } from '../ingest/batches.ts';
import { startProgress } from '../ingest/progress.ts';
import { newTally, recordProblem, succeeded, summaryJson, summaryText } from '../ingest/summary.ts';
import { checkReachable, DEFAULT_URL, restClient } from '../rest-client.ts';

export const help = `usage: mpg ingest [options] <file or folder>...

Submits attestations to a running service in batches (POST /v1/batches, docs/INGEST.md).

Inputs
  A named file is submitted whatever its name. Folders are walked recursively (hidden folders
  and symlinked folders are skipped) for *.json, *.sigstore.json, *.sig, *.dsse, *.jsonl and
  *.ndjson. A JSON file is one document, sent byte for byte, so its submission id is the
  file's SHA-256. A JSON Lines file (.jsonl, .ndjson) holds one document per line; blank lines
  are skipped. Each document's origin is recorded as file:<path> (file:<path>:<line>).

Options
  --url URL          service base URL (default $MPG_URL, else ${DEFAULT_URL})
  --token TOKEN      sent as "Authorization: Bearer TOKEN" (default $MPG_TOKEN)
  --batch-size N     documents per batch (default 1000, max 10000; a batch also stays under 32 MiB)
  --concurrency N    batches in flight at once, and as many progress reads (default 4, max 256)
  --wait             wait for the verdict on every document and report it (read from the
                     batches' progress, one request per batch per poll)
  --timeout SECONDS  with --wait: give up when no verdict has arrived for this long (default 300)
  --json             print the summary as one JSON object on stdout
  --quiet            no progress on stderr
  -h, --help         this text

Progress goes to stderr: a bar on a terminal, otherwise a line every 5 seconds.

Summary (stdout) and exit code
  without --wait: submitted (new / already known) and refused; exit 1 if any was refused.
  with --wait:    verified; rejected, by reason code (docs/VERIFICATION.md); failed (the
                  service gave up on infrastructure faults; resubmit to retry); pending (no
                  verdict before --timeout); refused. Exit 1 unless every document verified.
  refused = not taken: an HTTP error from the service, by its code (e.g. PAYLOAD_TOO_LARGE
  for 413, BAD_REQUEST for an empty document, UNAUTHENTICATED without a valid --token);
  NETWORK_ERROR when the connection failed even after retries (transient errors and 503 are
  retried 3 times); READ_ERROR for a file that cannot be read.
  Exit 2 for a usage error or an input path that does not exist.

Examples
  mpg ingest --wait attestations/
  mpg ingest --url http://mpg.internal:8080 --concurrency 32 --json exports/*.jsonl > summary.json`;

const MAX_CONCURRENCY = 256;
/** The service's default BATCH_MAX_DOCUMENTS. */
const MAX_BATCH = 10_000;
/** Bytes of documents per batch: with base64, about 43 MiB on the wire, under the service's default BATCH_MAX_BYTES. */
const BATCH_BYTES = 32 * 1024 * 1024;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    url: { type: 'string' },
    token: { type: 'string' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('give at least one file or folder');
  const client = restClient(values);
  const { baseUrl } = client;
  const concurrency = positiveInt(values.concurrency ?? '4', '--concurrency', MAX_CONCURRENCY);
  const batchSize = positiveInt(values['batch-size'] ?? '1000', '--batch-size', MAX_BATCH);
  const timeoutMs = positiveInt(values.timeout ?? '300', '--timeout', 7 * 24 * 3600) * 1000;
  const wait = values.wait === true;

  let files: InputFile[];
  try {
    files = await discoverFiles(positionals);
  } catch (error) {
    if (error instanceof DiscoveryError) {
      process.stderr.write(`mpg ingest: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const total = await countDocuments(files);
  if (total === 0) {
    process.stderr.write(`mpg ingest: no documents found in ${positionals.join(', ')}\n`);
    return 1;
  }

  const unreachable = await checkReachable(client);
  if (unreachable !== undefined) {
    process.stderr.write(`mpg ingest: cannot reach the service at ${baseUrl}: ${unreachable}\n`);
    return 1;
  }

  const tally = newTally(wait);
  const heading = `${total} ${total === 1 ? 'document' : 'documents'} in ${files.length} ${files.length === 1 ? 'file' : 'files'} → ${baseUrl}`;
  const progress = values.quiet ? undefined : startProgress(process.stderr, tally, total, heading);
  try {
    const documents = readAll(files, (file, error) =>
      recordProblem(tally, { source: file.display, id: null, outcome: 'refused', code: 'READ_ERROR', message: String(error) }),
    );
    await ingestInBatches(documents, { client, concurrency, wait, timeoutMs, batchSize, batchBytes: BATCH_BYTES }, tally);
  } finally {
    progress?.stop();
  }
  const output = values.json
    ? JSON.stringify(summaryJson(tally, baseUrl, files.length), null, 2)
    : summaryText(tally, baseUrl, files.length);
  process.stdout.write(`${output}\n`);
  return succeeded(tally) ? 0 : 1;
}

/** Documents of every file in order; a file that cannot be read is reported and skipped. */
async function* readAll(
  files: readonly InputFile[],
  onUnreadable: (file: InputFile, error: unknown) => void,
): AsyncGenerator<SourceDocument> {
  for (const file of files) {
    try {
      yield* readDocuments(file);
    } catch (error) {
      onUnreadable(file, error instanceof Error ? error.message : error);
    }
  }
}

function positiveInt(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${text}"`);
  }
  return value;
}

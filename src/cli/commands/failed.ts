// `failed`: inspect and replay jobs that gave up (repeated infrastructure faults, unusable job data).
import { parse } from '../args.ts';
import { MAX_PAGE } from '../operation-types.ts';
import { answer, DEFAULT_URL, restClient } from '../rest-client.ts';

export const help = `usage: mpg failed [--url URL] [--limit N] [--replay] [--json]

Lists ingest jobs that failed after exhausting their retries (newest first), with the last error.
With --replay, moves them all back to the queue; replays are safe because writes are idempotent.

  --url URL   service base URL (default ${DEFAULT_URL}, or MPG_URL)
  --limit N   how many to list (default 100, at most ${MAX_PAGE})
  --replay    retry every failed job
  --json      print JSON instead of a table
  --token T   bearer token with the ingest role (default: MPG_TOKEN)`;

interface Failed {
  id: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  origin: string | null;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    url: { type: 'string' },
    limit: { type: 'string' },
    replay: { type: 'boolean' },
    json: { type: 'boolean' },
    token: { type: 'string' },
  });
  const client = restClient(values);
  if (values.replay) {
    const body = await answer(client, '/v1/failed/replay', { method: 'POST' });
    process.stdout.write(values.json ? `${JSON.stringify(body)}\n` : `replayed ${Number(body['replayed'] ?? 0)} failed job(s)\n`);
    return 0;
  }
  const body = (await answer(client, `/v1/failed?limit=${encodeURIComponent(values.limit ?? '100')}`)) as { failed?: Failed[] };
  if (!body.failed) throw new Error('the service answered without a list of failed jobs');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body.failed, null, 2)}\n`);
    return 0;
  }
  if (body.failed.length === 0) {
    process.stdout.write('no failed jobs\n');
    return 0;
  }
  for (const job of body.failed) {
    process.stdout.write(
      `${job.failedAt ?? '-'}  ${job.id}  attempts=${job.attemptsMade}  ${job.origin ?? ''}\n    ${job.failedReason}\n`,
    );
  }
  return 0;
}

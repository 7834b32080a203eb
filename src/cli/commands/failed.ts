// `failed`: inspect and replay jobs that gave up (repeated infrastructure faults, unusable job data).
import { parse } from '../args.ts';
import { authHeaders } from '../token.ts';

export const help = `usage: mpg failed [--url URL] [--limit N] [--replay] [--json]

Lists ingest jobs that failed after exhausting their retries (newest first), with the last error.
With --replay, moves them all back to the queue; replays are safe because writes are idempotent.

  --url URL   service base URL (default http://127.0.0.1:8080, or MPG_URL)
  --limit N   how many to list (default 100, at most 1000)
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
  const headers = authHeaders(values.token);
  const base = values.url ?? process.env['MPG_URL'] ?? 'http://127.0.0.1:8080';
  if (values.replay) {
    const response = await fetch(`${base}/v1/failed/replay`, { method: 'POST', headers });
    const body = (await response.json()) as { replayed?: number; error?: { code: string; message: string } };
    if (!response.ok) throw new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? ''}`);
    process.stdout.write(values.json ? `${JSON.stringify(body)}\n` : `replayed ${body.replayed ?? 0} failed job(s)\n`);
    return 0;
  }
  const response = await fetch(`${base}/v1/failed?limit=${encodeURIComponent(values.limit ?? '100')}`, { headers });
  const body = (await response.json()) as { failed?: Failed[]; error?: { code: string; message: string } };
  if (!response.ok || !body.failed) throw new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? ''}`);
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

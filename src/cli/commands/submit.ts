// `submit`: send documents to a running service's ingest endpoint.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '../args.ts';
import { authHeaders } from '../token.ts';

export const help = `usage: mpg submit [--url URL] [--wait] FILE...

Submits each FILE (a Sigstore bundle or DSSE envelope, JSON) to POST /v1/attestations and prints
its submission id. With --wait, waits until each is verified or rejected and exits 1 if any was rejected.

  --url URL   service base URL (default http://127.0.0.1:8080, or MPG_URL)
  --wait      wait for the worker's verdict
  --token T   bearer token with the ingest role (default: MPG_TOKEN)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { url: { type: 'string' }, wait: { type: 'boolean' }, token: { type: 'string' } });
  const headers = authHeaders(values.token);
  const base = values.url ?? process.env['MPG_URL'] ?? 'http://127.0.0.1:8080';
  if (positionals.length === 0) {
    process.stderr.write(`${help}\n`);
    return 2;
  }
  let rejected = 0;
  for (const file of positionals) {
    const body = await readFile(file);
    const response = await fetch(`${base}/v1/attestations?origin=${encodeURIComponent(`file:${path.basename(file)}`)}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const result = (await response.json()) as { id?: string; error?: { code: string; message: string } };
    if (!response.ok || !result.id) {
      process.stderr.write(`${file}: ${result.error?.code ?? response.status} ${result.error?.message ?? ''}\n`);
      rejected += 1;
      continue;
    }
    if (!values.wait) {
      process.stdout.write(`${result.id}  ${file}\n`);
      continue;
    }
    const state = await waitFor(base, result.id, headers);
    process.stdout.write(`${state.padEnd(9)} ${result.id}  ${file}\n`);
    if (!state.startsWith('VERIFIED')) rejected += 1;
  }
  return rejected > 0 ? 1 : 0;
}

async function waitFor(base: string, id: string, headers: Record<string, string>): Promise<string> {
  for (;;) {
    const response = await fetch(`${base}/v1/attestations/${id}`, { headers });
    const body = (await response.json()) as { state?: string; attestation?: { reasonCode?: string } };
    if (body.state === 'VERIFIED') return 'VERIFIED';
    if (body.state === 'REJECTED') return `REJECTED ${body.attestation?.reasonCode ?? ''}`;
    if (body.state === 'FAILED') return 'FAILED';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

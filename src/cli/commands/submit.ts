// `submit`: send documents to a running service's ingest endpoint.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '../args.ts';
import { DEFAULT_URL, readVerdict, restClient, submitDocument, type RestClient } from '../rest-client.ts';

export const help = `usage: mpg submit [--url URL] [--wait] FILE...

Submits each FILE (a Sigstore bundle or DSSE envelope, JSON) to POST /v1/attestations and prints
its submission id. With --wait, waits until each is verified or rejected and exits 1 if any was rejected.

  --url URL   service base URL (default ${DEFAULT_URL}, or MPG_URL)
  --wait      wait for the worker's verdict
  --token T   bearer token with the ingest role (default: MPG_TOKEN)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { url: { type: 'string' }, wait: { type: 'boolean' }, token: { type: 'string' } });
  const client = restClient(values);
  if (positionals.length === 0) {
    process.stderr.write(`${help}\n`);
    return 2;
  }
  let rejected = 0;
  for (const file of positionals) {
    const result = await submitDocument(client, await readFile(file), `file:${path.basename(file)}`);
    if (result.kind === 'refused') {
      process.stderr.write(`${file}: ${result.code} ${result.message}\n`);
      rejected += 1;
      continue;
    }
    if (!values.wait) {
      process.stdout.write(`${result.id}  ${file}\n`);
      continue;
    }
    const state = await waitFor(client, result.id);
    process.stdout.write(`${state.padEnd(9)} ${result.id}  ${file}\n`);
    if (!state.startsWith('VERIFIED')) rejected += 1;
  }
  return rejected > 0 ? 1 : 0;
}

async function waitFor(client: RestClient, id: string): Promise<string> {
  for (;;) {
    const verdict = await readVerdict(client, id);
    if (verdict.kind === 'verified') return 'VERIFIED';
    if (verdict.kind === 'rejected') return `REJECTED ${verdict.code}`;
    if (verdict.kind === 'failed') return 'FAILED';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

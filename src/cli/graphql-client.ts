// The CLI's way to ask a running service: one GraphQL request through the REST client (rest-client.ts: its URL,
// token and retry rule), errors turned into readable messages.
import { DEFAULT_URL, restClient, send, type ServiceOptions } from './rest-client.ts';

export async function query<T>(options: ServiceOptions, text: string, variables: Record<string, unknown>): Promise<T> {
  const reply = await send(restClient(options), '/graphql', {
    method: 'POST',
    contentType: 'application/json',
    body: JSON.stringify({ query: text, variables }),
  });
  if (reply.kind === 'unreachable') throw new Error(`NETWORK_ERROR: ${reply.message}`);
  const body = reply.body as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
  if (body?.errors?.length) {
    throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
  if (!body?.data) throw new Error(`the service answered ${reply.status} without data`);
  return body.data;
}

/** Left-aligned columns for terminal output. */
/** An edge as the commands print it: its type, and how (training, fine-tune, …) when known. */
export function relation(edge: { readonly type: string; readonly how?: string | null }): string {
  return edge.how ? `${edge.type}(${edge.how})` : edge.type;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const COMMON_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const COMMON_HELP = `  --url URL   service base URL (default ${DEFAULT_URL}, or MPG_URL)
  --token T   bearer token with the read role (default: MPG_TOKEN)
  --json      print the raw JSON answer`;

// The affected list of an incident trace, whole: read page by page (the API's pages hold at most 1000), then
// written as CSV or JSON for a ticket or a spreadsheet.
import type { AffectedNode, Page, Signer } from './types.ts';

export async function collectPages<T>(
  fetchPage: (after: string | null) => Promise<Page<T>>,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const page: Page<T> = await fetchPage(after);
    for (const edge of page.edges) items.push(edge.node);
    onProgress(items.length, page.totalCount);
    // An empty page with hasNextPage would loop forever: stop instead.
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null || page.edges.length === 0) return items;
    after = page.pageInfo.endCursor;
  }
}

export function signerText(signer: Signer): string {
  switch (signer.kind) {
    case 'KEY':
      return `key:${signer.fingerprint ?? ''}`;
    case 'IDENTITY':
      return `identity:${signer.issuer ?? ''} ${signer.subject ?? ''}`;
    case 'CERTIFICATE':
      return `certificate:${signer.subject ?? ''} (${signer.fingerprint ?? ''})`;
  }
}

export const CSV_COLUMNS = ['depth', 'kind', 'key', 'name', 'verified', 'signers', 'path'] as const;

/**
 * RFC 4180 fields; a field a spreadsheet would run as a formula (names come from signed evidence, so anyone with
 * a trusted key picks them) is prefixed with an apostrophe.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function affectedCsv(rows: readonly AffectedNode[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const path = row.path
      .map((hop) => `${hop.from.key} -${hop.type}${hop.how ? `(${hop.how})` : ''}-> ${hop.to.key}`)
      .join(' | ');
    lines.push(
      [
        String(row.depth),
        row.node.kind,
        row.node.key,
        row.node.name ?? '',
        String(row.verified),
        row.signers.map(signerText).join('; '),
        path,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function affectedJson(compromised: unknown, rows: readonly AffectedNode[]): string {
  return `${JSON.stringify({ compromised, total: rows.length, affected: rows }, null, 2)}\n`;
}

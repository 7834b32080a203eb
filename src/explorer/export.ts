// The affected list of an incident trace, whole: read page by page (the API's pages hold at most MAX_PAGE), then
// written as CSV or JSON for a ticket or a spreadsheet.
import type { AffectedNode, Page, Signer } from './types.ts';

/** Where a paged read stopped: the cursor to go on from, and whether the list ended. */
export interface ReadPosition {
  readonly after: string | null;
  readonly complete: boolean;
}

/**
 * Reads pages from `from` on, handing each to `onPage` with the position after it, until `enough()` says so or the
 * list ends. The incident view reads its table pages and its export through this one loop, on one list of rows; a
 * read that fails half way has kept the pages before the failure, and their position.
 */
export async function readPages<T>(
  fetchPage: (after: string | null) => Promise<Page<T>>,
  from: ReadPosition,
  enough: () => boolean,
  onPage: (page: Page<T>, position: ReadPosition) => void,
  signal?: AbortSignal,
): Promise<ReadPosition> {
  let position = from;
  while (!position.complete && !enough()) {
    signal?.throwIfAborted();
    const page: Page<T> = await fetchPage(position.after);
    position = {
      after: page.pageInfo.endCursor ?? position.after,
      // An empty page with hasNextPage would loop forever: stop instead.
      complete: !page.pageInfo.hasNextPage || page.pageInfo.endCursor === null || page.edges.length === 0,
    };
    onPage(page, position);
  }
  return position;
}

/** Every item of a paged list, from the start. */
export async function collectPages<T>(
  fetchPage: (after: string | null) => Promise<Page<T>>,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<T[]> {
  const items: T[] = [];
  await readPages(
    fetchPage,
    { after: null, complete: false },
    () => false,
    (page) => {
      for (const edge of page.edges) items.push(edge.node);
      onProgress(items.length, page.totalCount);
    },
    signal,
  );
  return items;
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

function csvLine(row: AffectedNode): string {
  const path = row.path.map((hop) => `${hop.from.key} -${hop.type}${hop.how ? `(${hop.how})` : ''}-> ${hop.to.key}`).join(' | ');
  return [
    String(row.depth),
    row.node.kind,
    row.node.key,
    row.node.name ?? '',
    String(row.verified),
    row.signers.map(signerText).join('; '),
    path,
  ]
    .map(csvField)
    .join(',');
}

/** Rows per part of an export file: a part is built in well under the 50 ms that makes a page feel stuck. */
export const EXPORT_SLICE = 500;

/**
 * An export file as a head, parts of rows and a tail: the whole text of 10,000 rows with their paths is tens of
 * megabytes, and building it in one go holds the page still for most of a second; built a part at a time
 * (`exportBlob`), the page can handle input and paint between parts.
 */
interface Parts {
  readonly head: string;
  part(rows: readonly AffectedNode[], first: boolean): string;
  readonly tail: string;
}

function csvParts(): Parts {
  return {
    head: `${CSV_COLUMNS.join(',')}\r\n`,
    part: (rows) => rows.map((row) => `${csvLine(row)}\r\n`).join(''),
    tail: '',
  };
}

/** The layout `JSON.stringify(…, null, 2)` gives, a row at a time: each row indented to sit inside `affected`. */
function jsonParts(compromised: unknown, total: number): Parts {
  const head = JSON.stringify({ compromised, total, affected: [] }, null, 2);
  const row = (item: AffectedNode): string => `    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`;
  return {
    head: total === 0 ? `${head}\n` : `${head.slice(0, -'[]\n}'.length)}[\n`,
    part: (rows, first) => `${first ? '' : ',\n'}${rows.map(row).join(',\n')}`,
    tail: total === 0 ? '' : '\n  ]\n}\n',
  };
}

function wholeText(parts: Parts, rows: readonly AffectedNode[]): string {
  return `${parts.head}${rows.length > 0 ? parts.part(rows, true) : ''}${parts.tail}`;
}

export function affectedCsv(rows: readonly AffectedNode[]): string {
  return wholeText(csvParts(), rows);
}

export function affectedJson(compromised: unknown, rows: readonly AffectedNode[]): string {
  return wholeText(jsonParts(compromised, rows.length), rows);
}

/**
 * The same text as affectedCsv / affectedJson, as a Blob built `slice` rows at a time, with a pause between slices
 * in which the page handles input and paints. Each slice becomes a Blob of its own at once, so the encoding of tens
 * of megabytes is spread over the slices too rather than paid in one go at the end.
 */
export async function exportBlob(
  format: 'csv' | 'json',
  compromised: unknown,
  rows: readonly AffectedNode[],
  slice = EXPORT_SLICE,
): Promise<Blob> {
  const parts = format === 'csv' ? csvParts() : jsonParts(compromised, rows.length);
  const blobs = [new Blob([parts.head])];
  for (let at = 0; at < rows.length; at += slice) {
    blobs.push(new Blob([parts.part(rows.slice(at, at + slice), at === 0)]));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  blobs.push(new Blob([parts.tail]));
  return new Blob(blobs, { type: format === 'csv' ? 'text/csv' : 'application/json' });
}

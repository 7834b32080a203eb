// Cursor pagination over an in-memory, already ordered list (`XConnection` / `PageInfo` scheme).
import { ApiError } from '../errors.ts';

export const MAX_PAGE = 1000;

export interface Page<T> {
  readonly edges: { cursor: string; node: T }[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
  readonly totalCount: number;
}

export function paginate<T>(items: readonly T[], first: number, after: string | null | undefined): Page<T> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw new ApiError('BAD_REQUEST', `first must be between 1 and ${MAX_PAGE}`);
  }
  const start = after ? decodeCursor(after) + 1 : 0;
  const slice = items.slice(start, start + first);
  const edges = slice.map((node, index) => ({ cursor: encodeCursor(start + index), node }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < items.length, endCursor: edges[edges.length - 1]?.cursor ?? null },
    totalCount: items.length,
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ApiError('BAD_REQUEST', 'after is not a cursor returned by this API');
  return Number(match[1]);
}

// OMS v1.0 resource names (spec §6.1.2 path canonicalization, §6.3.2 shard names) checked before anything on disk
// is touched: a manifest that names a path outside the model can never be verified.

import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';

/** A `path:start:end` shard name split from its last two colons (spec §6.3.2: paths may contain colons). */
export interface ShardName {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

const SHARD_SUFFIX = /^(.*):(0|[1-9][0-9]*):(0|[1-9][0-9]*)$/s;

export function parseShardName(name: string): ShardName | undefined {
  const m = SHARD_SUFFIX.exec(name);
  if (m === null) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined;
  return { path: m[1] ?? '', start, end };
}

/**
 * Why a resource path is unacceptable, or undefined when it is canonical.
 * SECURITY: rejects absolute paths, `..`/`.` components, empty components and NUL, so a signed manifest cannot
 * point the on-disk check outside the model root or name one file twice under two spellings. A backslash is
 * refused too: on Windows it would be a separator, giving one name two meanings.
 * `singleFile` allows the bare "." that pre-1.1 reference versions used for a single-file model.
 */
export function pathProblem(path: string, singleFile: boolean): string | undefined {
  if (path === '') return 'is empty';
  if (path === '.') return singleFile ? undefined : 'is "." in a manifest with several files';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\0')) return 'contains NUL';
  if (path.includes('\\')) return 'contains a backslash';
  for (const part of path.split('/')) {
    if (part === '..') return 'contains a ".." component';
    if (part === '.') return 'contains a "." component';
    if (part === '') return 'has an empty component (leading, trailing or double "/")';
  }
  return undefined;
}

/**
 * Shard set consistency for one file (spec §6.3.2): ranges start at 0, are contiguous and non-overlapping, every
 * shard but the last is exactly `shardSize` bytes and the last is 1..shardSize bytes.
 * SECURITY: without this a signer-side bug or a crafted manifest could leave byte ranges of a file unsigned.
 */
export function checkShardRanges(path: string, ranges: readonly ShardName[], shardSize: number): Check<true> {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let expected = 0;
  for (const [i, r] of sorted.entries()) {
    const last = i === sorted.length - 1;
    const size = r.end - r.start;
    if (r.start !== expected) {
      return fail('SHARD_INVALID', `The shards of "${path}" do not cover the file contiguously at byte ${expected}.`);
    }
    if (size <= 0 || size > shardSize || (!last && size !== shardSize)) {
      return fail('SHARD_INVALID', `The shard "${path}:${r.start}:${r.end}" does not match shard_size ${shardSize}.`);
    }
    expected = r.end;
  }
  return ok(true);
}

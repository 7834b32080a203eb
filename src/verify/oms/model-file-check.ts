// Hashes one file found on disk and compares it with what an OMS v1.0 manifest signed for it:
// one digest for the whole file, or one per shard `[start, end)`.

import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { contentHashOf, hashRange } from './file-hash.ts';
import { isCode, type TreeEntry } from './model-tree.ts';
import type { OmsResource, RejectionCode } from '../types.ts';

/** What the manifest expects for one path; shards are sorted and already checked contiguous from 0 to `end`. */
export type ExpectedFile =
  | { readonly kind: 'whole'; readonly resource: OmsResource }
  | { readonly kind: 'shards'; readonly resources: readonly OmsResource[]; readonly end: number };

type CheckResult = { readonly ok: true } | { readonly ok: false; readonly code: RejectionCode; readonly message: string };

// O_NOFOLLOW: the path opened is the one the walk checked (a regular file, or the contained
// target of an allowed link); if it was swapped for a symlink since, the open fails instead of
// following it. O_NONBLOCK: a file swapped for a FIFO cannot hang the verifier on open.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export async function hashEntry(name: string, entry: TreeEntry, expected: ExpectedFile): Promise<CheckResult> {
  if (entry.kind !== 'file') {
    return { ok: false, code: 'FILE_DIGEST_MISMATCH', message: `signed file '${name}' is now ${entry.what}` };
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(entry.openPath, OPEN_FLAGS);
  } catch (error) {
    if (isCode(error, 'ENOENT'))
      return { ok: false, code: 'FILE_MISSING', message: `signed file '${name}' disappeared during verification` };
    if (isCode(error, 'ELOOP'))
      return {
        ok: false,
        code: 'SYMLINK_NOT_ALLOWED',
        message: `signed file '${name}' became a symbolic link during verification`,
      };
    throw error;
  }
  try {
    // Sizes come from the open handle, so the coverage check and the hashing see the same file.
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return { ok: false, code: 'FILE_DIGEST_MISMATCH', message: `signed file '${name}' is not a regular file` };
    }
    const ranges =
      expected.kind === 'whole'
        ? [{ resource: expected.resource, start: 0, end: stat.size }]
        : expected.resources.map((resource) => ({ resource, start: resource.shard?.start ?? 0, end: resource.shard?.end ?? 0 }));
    // Coverage: signed shards must end exactly at the current end of file; a longer file has
    // unsigned bytes, a shorter one lost signed bytes.
    if (expected.kind === 'shards' && expected.end !== stat.size) {
      return {
        ok: false,
        code: 'FILE_DIGEST_MISMATCH',
        message: `file '${name}' is ${stat.size} bytes but its signed shards cover ${expected.end}`,
      };
    }
    for (const { resource, start, end } of ranges) {
      const hash = contentHashOf(resource.algorithm);
      if (hash === undefined) {
        return {
          ok: false,
          code: 'UNSUPPORTED_HASH_ALGORITHM',
          message: `resource '${resource.name}' uses unsupported algorithm '${resource.algorithm}'`,
        };
      }
      const actual = await hashRange(handle, hash, start, end);
      // Integrity: the bytes on disk are the bytes that were signed.
      if (actual === undefined || actual !== resource.hex.toLowerCase()) {
        const what = expected.kind === 'whole' ? `file '${name}'` : `file '${name}' bytes ${start}-${end}`;
        return {
          ok: false,
          code: 'FILE_DIGEST_MISMATCH',
          message: `${what} does not match its signed ${resource.algorithm} digest`,
        };
      }
    }
    return { ok: true };
  } finally {
    await handle.close();
  }
}

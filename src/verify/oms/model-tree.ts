// Walks a model directory the way the OMS v1.0 Python reference serializes it, with the
// containment and symlink checks this verifier adds.
//
// Reference semantics kept: every entry below the root counts, hidden ones included; empty
// directories contribute nothing; a symlink is refused unless the signature says
// `allow_symlinks`; an allowed symlink to a file is hashed through its target.
// Stricter than the reference: a symlink to a directory is refused even when symlinks are allowed.
// The reference neither enters nor signs it (Python 3.11 `Path.glob("**/*")` does not follow
// them), so whatever it exposes is unsigned under a signed-looking path: `plugins -> .git/hooks`
// makes code placed in the ignored `.git` folder loadable as `plugins/…` while verification passes.

import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RejectionCode } from '../types.ts';

/** One entry found under the root that could be (or stand in for) a signed file. */
export type TreeEntry =
  | {
      readonly kind: 'file';
      /** where to open it: the entry itself, or the contained target of an allowed symlink. */
      readonly openPath: string;
      readonly size: number;
    }
  /** a FIFO, socket, device or dangling symlink: never opened, never a valid signed file. */
  | { readonly kind: 'other'; readonly what: string };

export type WalkResult =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, TreeEntry> }
  | { readonly ok: false; readonly code: RejectionCode; readonly message: string };

export interface WalkOptions {
  readonly allowSymlinks: boolean;
  /** true = leave this root-relative path (and anything below it) out of the walk. */
  readonly skip: (relativePath: string) => boolean;
}

/** True when `target` is `root` or lies below it; both must already be real (symlink-free) paths. */
export function isWithin(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Lists the files under `realRoot` (already resolved with realpath), keyed by '/'-separated
 * relative path. Directories are only entered as real directories, never through a symlink,
 * so every walked path stays inside the root by construction.
 */
export async function walkModelTree(realRoot: string, options: WalkOptions): Promise<WalkResult> {
  const entries = new Map<string, TreeEntry>();
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    const dirents = await fs.readdir(path.join(realRoot, relativeDir), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const relativePath = relativeDir === '' ? dirent.name : `${relativeDir}/${dirent.name}`;
      if (options.skip(relativePath)) continue;
      const absolutePath = path.join(realRoot, relativeDir, dirent.name);
      if (dirent.isDirectory()) {
        pending.push(relativePath);
      } else if (dirent.isFile()) {
        const stat = await fs.lstat(absolutePath);
        entries.set(relativePath, { kind: 'file', openPath: absolutePath, size: stat.size });
      } else if (dirent.isSymbolicLink()) {
        const result = await followSymlink(realRoot, relativePath, absolutePath, options.allowSymlinks);
        if ('code' in result) return { ok: false, ...result };
        if (result.entry !== undefined) entries.set(relativePath, result.entry);
      } else {
        entries.set(relativePath, { kind: 'other', what: describeSpecial(dirent) });
      }
    }
  }
  return { ok: true, entries };
}

type FollowResult = { entry: TreeEntry | undefined } | { code: RejectionCode; message: string };

async function followSymlink(
  realRoot: string,
  relativePath: string,
  absolutePath: string,
  allowSymlinks: boolean,
): Promise<FollowResult> {
  // Security: the signer's symlink policy is part of the signed serialization; a link the
  // signer did not allow could redirect hashing to content the signature never covered.
  if (!allowSymlinks) {
    return {
      code: 'SYMLINK_NOT_ALLOWED',
      message: `'${relativePath}' is a symbolic link and the signature does not allow symlinks`,
    };
  }
  let target: string;
  try {
    target = await fs.realpath(absolutePath);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ELOOP')) {
      return { entry: { kind: 'other', what: 'a dangling symbolic link' } };
    }
    throw error;
  }
  // Security: containment — even an allowed link must resolve inside the model root, so the
  // verified bytes are the model's own and not, say, /etc/passwd or another model's files.
  if (!isWithin(realRoot, target)) {
    return {
      code: 'PATH_ESCAPES_ROOT',
      message: `'${relativePath}' is a symbolic link resolving outside the model directory`,
    };
  }
  const stat = await fs.stat(target);
  // Security: a directory link would expose files no signature covers (see the top of this file).
  if (stat.isDirectory()) {
    return {
      code: 'SYMLINK_NOT_ALLOWED',
      message: `'${relativePath}' is a symbolic link to a directory: what it exposes is not signed, so directory links are refused even when the signature allows symlinks`,
    };
  }
  if (!stat.isFile()) return { entry: { kind: 'other', what: 'a link to a special file' } };
  return { entry: { kind: 'file', openPath: target, size: stat.size } };
}

function describeSpecial(dirent: Dirent): string {
  if (dirent.isFIFO()) return 'a FIFO';
  if (dirent.isSocket()) return 'a socket';
  if (dirent.isBlockDevice() || dirent.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

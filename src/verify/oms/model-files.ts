// Re-checks a model on disk against a verified OMS v1.0 manifest (model_signing
// `signature/v1.0` predicate): every signed file present with its signed digest, nothing
// unsigned beside it. Files are compared as a map keyed by path, never by manifest order.
//
// Deliberate differences from the Python reference, both stricter or equal in what is checked:
// - ignore paths (signed, supplied or default) only exempt *unsigned* entries: a signed file
//   under an ignore path is still hashed, where the reference reports it as missing;
// - an allowed symlink must resolve inside the model root (the reference follows it anywhere);
// - a symlink to a directory is refused, even when symlinks are allowed (the reference skips it
//   unsigned: model-tree.ts says why that is a hole).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { contentHashOf } from './file-hash.ts';
import { DEFAULT_IGNORE_PATHS, IgnoreSet, rootRelative } from './ignore-paths.ts';
import { hashEntry, type ExpectedFile } from './model-file-check.ts';
import { isCode, walkModelTree, type TreeEntry } from './model-tree.ts';
import type { OmsManifest, OmsResource, RejectionCode } from '../types.ts';

export interface ModelFilesOptions {
  /**
   * extra paths to leave out, on top of the signed and default ones: relative to the model root,
   * or absolute inside it (what the reference CLI and the conformance harness pass).
   */
  readonly ignorePaths?: readonly string[];
  /** skip files that are not in the manifest instead of failing with FILE_EXTRA. */
  readonly ignoreUnsignedFiles?: boolean;
  /** the signature file; ignored when it lies inside the model directory. */
  readonly signaturePath?: string;
  /** files carry no time: accepted for a uniform verifier options shape, never used. */
  readonly now?: never;
}

export type ModelFilesResult =
  { readonly ok: true } | { readonly ok: false; readonly code: RejectionCode; readonly message: string };

type Failure = Extract<ModelFilesResult, { ok: false }>;
const fail = (code: RejectionCode, message: string): Failure => ({ ok: false, code, message });

/** Verifies `modelDir` (a directory, or a single model file) against `manifest`. */
export async function verifyModelFiles(
  modelDir: string,
  manifest: OmsManifest,
  options: ModelFilesOptions = {},
): Promise<ModelFilesResult> {
  const allowSymlinks = manifest.serialization.allowSymlinks;
  let rootStat;
  try {
    rootStat = await fs.lstat(modelDir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return fail('FILE_MISSING', `model path '${modelDir}' does not exist`);
    throw error;
  }
  // Security: symlink policy applies to the model path itself, as in the reference.
  if (rootStat.isSymbolicLink() && !allowSymlinks) {
    return fail('SYMLINK_NOT_ALLOWED', `model path '${modelDir}' is a symbolic link and the signature does not allow symlinks`);
  }
  let realRoot: string;
  try {
    realRoot = await fs.realpath(modelDir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return fail('FILE_MISSING', `model path '${modelDir}' is a dangling symbolic link`);
    throw error;
  }
  const realStat = await fs.stat(realRoot);

  // A single-file model is named "." by the reference and by its basename by other signers.
  const singleFileName = realStat.isFile() ? path.basename(modelDir) : undefined;
  const grouped = groupResources(manifest.resources, singleFileName);
  if (!grouped.ok) return grouped;
  const expected = grouped.files;

  let entries: ReadonlyMap<string, TreeEntry>;
  if (singleFileName !== undefined) {
    entries = new Map([['.', { kind: 'file', openPath: realRoot, size: realStat.size }]]);
  } else if (realStat.isDirectory()) {
    const walked = await walkDirectory(realRoot, modelDir, manifest, options, expected);
    if (!walked.ok) return walked;
    entries = walked.entries;
  } else {
    return fail('FILE_MISSING', `model path '${modelDir}' is neither a file nor a directory`);
  }

  // Completeness: every signed file is there (checked first: for a renamed file the missing
  // signed name says more than the unsigned new one).
  const missing = [...expected.keys()].filter((name) => !entries.has(name));
  if (missing.length > 0) {
    return fail('FILE_MISSING', `signed ${plural(missing.length, 'file')} missing from the model: ${listNames(missing)}`);
  }
  // Integrity: nothing unsigned rides along. With shards the reference records no resource for
  // an empty file, so an unsigned empty file is expected there, not extra.
  const sharded = manifest.serialization.method === 'shards';
  const extra = [...entries]
    .filter(([name, entry]) => !expected.has(name) && !(sharded && entry.kind === 'file' && entry.size === 0))
    .map(([name]) => name);
  if (extra.length > 0 && options.ignoreUnsignedFiles !== true) {
    return fail('FILE_EXTRA', `unsigned ${plural(extra.length, 'file')} in the model: ${listNames(extra)}`);
  }
  // Integrity: every signed byte range hashes to its signed digest.
  for (const name of [...expected.keys()].sort()) {
    const result = await hashEntry(name, entries.get(name) as TreeEntry, expected.get(name) as ExpectedFile);
    if (!result.ok) return result;
  }
  return { ok: true };
}

async function walkDirectory(
  realRoot: string,
  modelDir: string,
  manifest: OmsManifest,
  options: ModelFilesOptions,
  expected: ReadonlyMap<string, ExpectedFile>,
): Promise<{ ok: true; entries: ReadonlyMap<string, TreeEntry> } | Failure> {
  // Signed ignore paths are root-relative by the spec (IgnoreSet drops absolute ones). Supplied
  // absolute paths and the signature file (a filesystem path, so resolved from the cwd) count
  // only when they lie inside the model.
  const roots = [modelDir, realRoot];
  const supplied = (options.ignorePaths ?? []).map((p) => (path.isAbsolute(p) ? rootRelative(roots, p) : p));
  const signature = options.signaturePath === undefined ? undefined : rootRelative(roots, path.resolve(options.signaturePath));
  const ignore = new IgnoreSet(
    [...manifest.serialization.ignorePaths, ...supplied, signature, ...DEFAULT_IGNORE_PATHS].filter((p) => p !== undefined),
  );
  // Directories leading to signed files are always entered, so ignore paths can never hide a
  // signed file from the check.
  const ancestors = new Set<string>();
  for (const name of expected.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  const unsignedSkipped = options.ignoreUnsignedFiles === true;
  return walkModelTree(realRoot, {
    allowSymlinks: manifest.serialization.allowSymlinks,
    skip: (name) => !expected.has(name) && !ancestors.has(name) && (unsignedSkipped || ignore.match(name) !== undefined),
  });
}

type Grouped = { ok: true; files: ReadonlyMap<string, ExpectedFile> } | Failure;

/** Groups resources per file path and checks each path names something inside the root. */
function groupResources(resources: readonly OmsResource[], singleFileName: string | undefined): Grouped {
  const files = new Map<string, { whole?: OmsResource; shards: OmsResource[] }>();
  for (const resource of resources) {
    // Security: containment of signed names. The parser rejects these already; checking again
    // keeps this function safe on its own (paths are only ever matched, never opened, anyway).
    const parts = resource.path.split('/');
    if (
      resource.path.startsWith('/') ||
      parts.includes('..') ||
      (resource.path !== '.' && parts.some((p) => p === '' || p === '.'))
    ) {
      return fail('PATH_ESCAPES_ROOT', `resource '${resource.name}' does not name a path inside the model`);
    }
    if (contentHashOf(resource.algorithm) === undefined) {
      return fail('UNSUPPORTED_HASH_ALGORITHM', `resource '${resource.name}' uses unsupported algorithm '${resource.algorithm}'`);
    }
    const key = singleFileName !== undefined && resource.path === singleFileName ? '.' : resource.path;
    const group = files.get(key) ?? { shards: [] };
    files.set(key, group);
    if (resource.shard === undefined) {
      if (group.whole !== undefined) return fail('DUPLICATE_RESOURCE', `file '${resource.path}' is listed twice`);
      group.whole = resource;
    } else {
      group.shards.push(resource);
    }
    if (group.whole !== undefined && group.shards.length > 0) {
      return fail('SHARD_INVALID', `file '${resource.path}' is listed both whole and as shards`);
    }
  }
  const checked = new Map<string, ExpectedFile>();
  for (const [key, group] of files) {
    if (group.whole !== undefined) {
      checked.set(key, { kind: 'whole', resource: group.whole });
      continue;
    }
    const shards = [...group.shards].sort((a, b) => (a.shard?.start ?? 0) - (b.shard?.start ?? 0));
    // Coverage: shards must tile [0, end) exactly — no gap leaves bytes unsigned, no overlap.
    let next = 0;
    for (const shard of shards) {
      const range = shard.shard as { start: number; end: number };
      if (range.start !== next || range.end <= range.start) {
        return fail('SHARD_INVALID', `shards of '${key}' do not cover the file contiguously at byte ${next}`);
      }
      next = range.end;
    }
    checked.set(key, { kind: 'shards', resources: shards, end: next });
  }
  return { ok: true, files: checked };
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${count} ${noun}s`;
}

/** Names at most 10 files so a message stays one readable sentence. */
function listNames(names: readonly string[]): string {
  const sorted = [...names].sort();
  const shown = sorted
    .slice(0, 10)
    .map((name) => `'${name}'`)
    .join(', ');
  return sorted.length > 10 ? `${shown} and ${sorted.length - 10} more` : shown;
}

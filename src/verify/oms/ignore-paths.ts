// Ignore-path matching for OMS v1.0 model directories.
//
// Semantics follow the Python reference (model_signing `should_ignore`): an ignore path is
// relative to the model root and matches by whole path components, so `docs` ignores `docs`
// and everything below it but not `docs2` or `sub/docs`; a trailing slash (`.git/`) changes
// nothing. There are no glob patterns.

import * as path from 'node:path';

/** Paths the reference ignores by default when hashing a model directory. */
export const DEFAULT_IGNORE_PATHS: readonly string[] = ['.git/', '.gitattributes', '.github/', '.gitignore'];

/**
 * Normalises one ignore path to '/'-joined components relative to the model root, or undefined
 * when it cannot name anything inside the root. Security: an absolute path, a `..` component or
 * an empty path (the root itself) is dropped rather than honoured, so a signed or supplied
 * ignore list can never widen to the whole model or reach outside it — dropping only makes
 * verification stricter.
 */
export function normalizeIgnorePath(raw: string): string | undefined {
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) return undefined;
  const parts = raw.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

/**
 * Turns a caller-supplied absolute path (an ignore path or the signature file) into a
 * root-relative one when it lies inside the model directory, as the reference CLI does
 * (`_resolve_ignore_paths`, which also applies to `--signature`). `roots` are the model path as
 * given and its realpath, so either spelling works. Outside the model → undefined (dropped).
 */
export function rootRelative(roots: readonly string[], absolutePath: string): string | undefined {
  for (const root of roots) {
    const relative = path.relative(path.resolve(root), path.resolve(absolutePath));
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) continue;
    return normalizeIgnorePath(relative.split(path.sep).join('/'));
  }
  return undefined;
}

/** A set of normalised ignore paths with component-prefix matching. */
export class IgnoreSet {
  readonly #paths: ReadonlySet<string>;

  constructor(rawPaths: Iterable<string>) {
    const paths = new Set<string>();
    for (const raw of rawPaths) {
      const normalized = normalizeIgnorePath(raw);
      if (normalized !== undefined) paths.add(normalized);
    }
    this.#paths = paths;
  }

  /** The ignore path covering `relativePath` ('/'-separated, relative to the root), if any. */
  match(relativePath: string): string | undefined {
    const parts = relativePath.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.#paths.has(prefix)) return prefix;
    }
    return undefined;
  }
}

// Builds temporary model directories and matching OMS v1.0 manifests for file-level tests.
// Digests are computed here with whole-buffer hashing, independently of the streaming code under test.

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import type { OmsManifest, OmsResource } from '../../../../src/verify/types.ts';

export type HashType = 'sha256' | 'blake2b' | 'blake3';

export function digestHex(hash: HashType, data: Uint8Array): string {
  if (hash === 'blake3') return Buffer.from(blake3(data)).toString('hex');
  return createHash(hash === 'blake2b' ? 'blake2b512' : 'sha256')
    .update(data)
    .digest('hex');
}

/** Deterministic pseudo-random bytes (SHA-256 in counter mode). */
export function bytes(length: number, seed = 'seed'): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

export async function makeTempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mpg-model-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (root-relative '/'-paths → content) under `root`, creating folders. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(root, ...name.split('/'));
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

export interface ManifestOptions {
  readonly hashType?: HashType;
  readonly shardSize?: number;
  readonly ignorePaths?: readonly string[];
  readonly allowSymlinks?: boolean;
}

/** A manifest signing `files` as the reference would: whole files, or shards of `shardSize` (empty files get none). */
export function manifestFor(files: Record<string, string | Uint8Array>, options: ManifestOptions = {}): OmsManifest {
  const hashType = options.hashType ?? 'sha256';
  const resources: OmsResource[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    if (options.shardSize === undefined) {
      resources.push({ name, path: name, algorithm: hashType, hex: digestHex(hashType, data) });
      continue;
    }
    for (let start = 0; start < data.length; start += options.shardSize) {
      const end = Math.min(start + options.shardSize, data.length);
      resources.push({
        name: `${name}:${start}:${end}`,
        path: name,
        shard: { start, end },
        algorithm: `${hashType}-sharded-${options.shardSize}`,
        hex: digestHex(hashType, data.subarray(start, end)),
      });
    }
  }
  return {
    predicateType: 'https://model_signing/signature/v1.0',
    name: 'model',
    rootDigest: { algorithm: 'sha256', hex: '00'.repeat(32) },
    resources,
    serialization: {
      method: options.shardSize === undefined ? 'files' : 'shards',
      hashType,
      allowSymlinks: options.allowSymlinks ?? false,
      ...(options.shardSize === undefined ? {} : { shardSize: options.shardSize }),
      ignorePaths: options.ignorePaths ?? [],
    },
  };
}

/** The same manifest with some resources replaced or dropped (tests of malformed manifests). */
export function withResources(manifest: OmsManifest, resources: readonly OmsResource[]): OmsManifest {
  return { ...manifest, resources };
}

// Streaming digests of files and byte ranges, as OMS v1.0 resources record them.
// Files are read in fixed-size chunks through an already-open handle, so memory stays bounded
// whatever the model size and the bytes hashed come from the inode that was checked.

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { blake3 } from '@noble/hashes/blake3.js';

/** The content hashes OMS v1.0 defines for `hash_type`: SHA-256, BLAKE2b-512, BLAKE3-256. */
export type ContentHash = 'sha256' | 'blake2b' | 'blake3';

/** Same chunk size the Python reference reads with (1 MiB). */
const CHUNK_SIZE = 1024 * 1024;

interface Hasher {
  update(data: Uint8Array): void;
  hex(): string;
}

function newHasher(hash: ContentHash): Hasher {
  if (hash === 'blake3') {
    // BLAKE3 with its default 32-byte output, the length the reference signs.
    const h = blake3.create();
    return {
      update: (data) => void h.update(data),
      hex: () => Buffer.from(h.digest()).toString('hex'),
    };
  }
  // OMS `blake2b` is BLAKE2b-512 (64-byte digest), which node:crypto calls blake2b512.
  const h = createHash(hash === 'blake2b' ? 'blake2b512' : 'sha256');
  return {
    update: (data) => void h.update(data),
    hex: () => h.digest('hex'),
  };
}

/**
 * Maps a resource's `algorithm` to the content hash that produced it. Shard resources from the
 * Python reference are named `<hash>-sharded-<shard size>`; the shard size is implied by the
 * byte range, so only the hash part matters here. Unknown names return undefined.
 */
export function contentHashOf(algorithm: string): ContentHash | undefined {
  const match = /^(sha256|blake2b|blake3)(?:-sharded-\d+)?$/.exec(algorithm);
  return match?.[1] as ContentHash | undefined;
}

/**
 * Digest of bytes [start, end) of an open file, as lower-case hex.
 * Returns undefined when the file ends before `end` (it shrank while being read): the caller
 * treats that as changed content rather than hashing fewer bytes than were signed.
 */
export async function hashRange(handle: FileHandle, hash: ContentHash, start: number, end: number): Promise<string | undefined> {
  const hasher = newHasher(hash);
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, Math.max(end - start, 1)));
  let position = start;
  while (position < end) {
    const length = Math.min(buffer.length, end - position);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead === 0) return undefined;
    hasher.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hasher.hex();
}

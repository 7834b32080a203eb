import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hashRange } from '../../../src/verify/oms/file-hash.ts';
import { verifyModelFiles } from '../../../src/verify/oms/model-files.ts';
import { bytes, makeTempDir, manifestFor, writeTree } from './helpers/model-dir.ts';

describe('hashRange (OMS v1.0 content hashes)', () => {
  it('streams sha256, BLAKE2b-512 and BLAKE3-256 to the standard "abc" vectors, across chunk boundaries', async (t) => {
    const root = await makeTempDir(t);
    await writeTree(root, { abc: 'abc', big: bytes(2_500_000) });
    const handle = await open(path.join(root, 'abc'));
    t.after(() => handle.close());
    assert.equal(await hashRange(handle, 'sha256', 0, 3), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      await hashRange(handle, 'blake2b', 0, 3),
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
    assert.equal(await hashRange(handle, 'blake3', 0, 3), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
    assert.equal(await hashRange(handle, 'sha256', 0, 4), undefined, 'reading past the end is a mismatch, not a shorter hash');
    // 2.5 MB spans three 1 MiB read chunks
    assert.deepEqual(await verifyModelFiles(root, manifestFor({ abc: 'abc', big: bytes(2_500_000) })), { ok: true });
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { verifyModelFiles } from '../../../src/verify/oms/model-files.ts';
import type { OmsManifest } from '../../../src/verify/types.ts';
import { bytes, makeTempDir, manifestFor, withResources, writeTree } from './helpers/model-dir.ts';

const MODEL = {
  'config.json': '{"layers": 2}\n',
  'weights/model.bin': bytes(3000),
  'weights/sub dir/layer 1.bin': bytes(700, 'layer'),
  'tokenizer/vocabulário ü.txt': 'olá\n',
  'データ/模型.txt': 'モデル\n',
  'empty.txt': '',
  '.hidden': 'hidden files are part of the model\n',
};

async function modelDir(t: Parameters<typeof makeTempDir>[0], files: Record<string, string | Uint8Array> = MODEL) {
  const root = await makeTempDir(t);
  await writeTree(root, files);
  return root;
}

function expectFailure(result: Awaited<ReturnType<typeof verifyModelFiles>>, code: string, names: string[] = []) {
  assert.equal(result.ok, false, 'verification should fail');
  if (result.ok) return;
  assert.equal(result.code, code, result.message);
  for (const name of names) assert.ok(result.message.includes(name), `message should name '${name}': ${result.message}`);
}

describe('verifyModelFiles: whole files', () => {
  it('accepts an intact model with nested, unicode, space-named, empty and hidden files, in any manifest order', async (t) => {
    const root = await modelDir(t);
    const manifest = manifestFor(MODEL);
    assert.deepEqual(await verifyModelFiles(root, manifest), { ok: true });
    const reversed = withResources(manifest, [...manifest.resources].reverse());
    assert.deepEqual(await verifyModelFiles(root, reversed), { ok: true });
  });

  it('FILE_DIGEST_MISMATCH names the changed file', async (t) => {
    const root = await modelDir(t);
    await writeFile(path.join(root, 'weights/sub dir/layer 1.bin'), bytes(700, 'tampered'));
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL)), 'FILE_DIGEST_MISMATCH', ['weights/sub dir/layer 1.bin']);
  });

  it('FILE_DIGEST_MISMATCH when an empty signed file gains content', async (t) => {
    const root = await modelDir(t);
    await writeFile(path.join(root, 'empty.txt'), 'x');
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL)), 'FILE_DIGEST_MISMATCH', ['empty.txt']);
  });

  it('FILE_MISSING names the missing file', async (t) => {
    const root = await modelDir(t);
    await rm(path.join(root, 'データ/模型.txt'));
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL)), 'FILE_MISSING', ['データ/模型.txt']);
  });

  it('FILE_EXTRA names the unsigned file, unless ignoreUnsignedFiles', async (t) => {
    const root = await modelDir(t);
    await writeTree(root, { 'weights/extra file.bin': 'injected' });
    const manifest = manifestFor(MODEL);
    expectFailure(await verifyModelFiles(root, manifest), 'FILE_EXTRA', ['weights/extra file.bin']);
    assert.deepEqual(await verifyModelFiles(root, manifest, { ignoreUnsignedFiles: true }), { ok: true });
  });

  it('ignoreUnsignedFiles still requires every signed file', async (t) => {
    const root = await modelDir(t);
    await rm(path.join(root, 'config.json'));
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL), { ignoreUnsignedFiles: true }), 'FILE_MISSING', [
      'config.json',
    ]);
  });

  it('an unsigned FIFO is reported as extra without being opened', async (t) => {
    const root = await modelDir(t);
    try {
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
    } catch {
      t.skip('mkfifo not available');
      return;
    }
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL)), 'FILE_EXTRA', ['pipe']);
  });
});

describe('verifyModelFiles: ignore paths', () => {
  it('applies signed ignore paths, supplied ones and the defaults, by whole path components', async (t) => {
    const root = await modelDir(t);
    await writeTree(root, {
      'README.md': 'unsigned',
      'docs/notes.txt': 'unsigned',
      'local/cache.bin': 'unsigned',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.github/workflows/ci.yml': 'on: push\n',
      '.gitignore': '*.tmp\n',
      '.gitattributes': '* binary\n',
    });
    const manifest = manifestFor(MODEL, { ignorePaths: ['README.md', 'docs/'] });
    assert.deepEqual(await verifyModelFiles(root, manifest, { ignorePaths: ['./local'] }), { ok: true });
    expectFailure(await verifyModelFiles(root, manifest), 'FILE_EXTRA', ['local/cache.bin']);
  });

  it('an ignore path matches components, not string prefixes, and only from the root', async (t) => {
    const root = await modelDir(t);
    await writeTree(root, { 'docs2/x.txt': 'unsigned', 'weights/.git/config': 'nested git dir is not ignored' });
    const result = await verifyModelFiles(root, manifestFor(MODEL, { ignorePaths: ['docs'] }), { ignorePaths: ['docs'] });
    expectFailure(result, 'FILE_EXTRA', ['docs2/x.txt', 'weights/.git/config']);
  });

  it('takes supplied absolute ignore paths inside the root; drops ones outside it, ".." and the root itself', async (t) => {
    const root = await modelDir(t);
    await writeTree(root, { 'extra.bin': 'unsigned' });
    assert.deepEqual(await verifyModelFiles(root, manifestFor(MODEL), { ignorePaths: [path.join(root, 'extra.bin')] }), {
      ok: true,
    });
    const outside = path.join(path.dirname(root), 'extra.bin');
    for (const ignored of [outside, '../extra.bin', '.', '', root]) {
      expectFailure(await verifyModelFiles(root, manifestFor(MODEL), { ignorePaths: [ignored] }), 'FILE_EXTRA', ['extra.bin']);
    }
    // a signed ignore path is root-relative by the spec: an absolute one is dropped
    const signedAbsolute = manifestFor(MODEL, { ignorePaths: [path.join(root, 'extra.bin')] });
    expectFailure(await verifyModelFiles(root, signedAbsolute), 'FILE_EXTRA', ['extra.bin']);
  });

  it('ignores the signature file only when told where it is', async (t) => {
    const root = await modelDir(t);
    await writeTree(root, { 'model.sig': '{}' });
    const manifest = manifestFor(MODEL);
    assert.deepEqual(await verifyModelFiles(root, manifest, { signaturePath: path.join(root, 'model.sig') }), { ok: true });
    expectFailure(await verifyModelFiles(root, manifest), 'FILE_EXTRA', ['model.sig']);
  });

  it('still checks a signed file that lies under an ignore path', async (t) => {
    const root = await modelDir(t);
    await writeFile(path.join(root, 'config.json'), 'tampered');
    const result = await verifyModelFiles(root, manifestFor(MODEL), { ignorePaths: ['config.json'] });
    expectFailure(result, 'FILE_DIGEST_MISMATCH', ['config.json']);
  });
});

describe('verifyModelFiles: shards and hash types', () => {
  const shardSize = 1000;

  it('accepts shards that tile each file; empty files have no shards', async (t) => {
    const root = await modelDir(t);
    const manifest = manifestFor(MODEL, { shardSize });
    assert.equal(manifest.resources.filter((r) => r.path === 'weights/model.bin').length, 3);
    assert.equal(
      manifest.resources.some((r) => r.path === 'empty.txt'),
      false,
    );
    const shuffled = withResources(
      manifest,
      [...manifest.resources].sort((a, b) => b.hex.localeCompare(a.hex)),
    );
    assert.deepEqual(await verifyModelFiles(root, shuffled), { ok: true });
  });

  it('FILE_DIGEST_MISMATCH names the file and byte range of a changed shard', async (t) => {
    const root = await modelDir(t);
    const data = Buffer.from(MODEL['weights/model.bin']);
    data[1500] = (data[1500] ?? 0) ^ 0xff;
    await writeFile(path.join(root, 'weights/model.bin'), data);
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL, { shardSize })), 'FILE_DIGEST_MISMATCH', [
      'weights/model.bin',
      '1000-2000',
    ]);
  });

  it('FILE_DIGEST_MISMATCH when a sharded file grows past its signed shards', async (t) => {
    const root = await modelDir(t);
    await appendFile(path.join(root, 'weights/model.bin'), 'tail');
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL, { shardSize })), 'FILE_DIGEST_MISMATCH', [
      'weights/model.bin',
      '3004',
    ]);
  });

  it('SHARD_INVALID when shards leave a gap or overlap', async (t) => {
    const root = await modelDir(t);
    const manifest = manifestFor(MODEL, { shardSize });
    const gap = manifest.resources.filter((r) => r.name !== 'weights/model.bin:1000:2000');
    expectFailure(await verifyModelFiles(root, withResources(manifest, gap)), 'SHARD_INVALID', ['weights/model.bin']);
    const first = manifest.resources.find((r) => r.name === 'weights/model.bin:0:1000');
    assert.ok(first);
    const overlap = [...manifest.resources, { ...first, name: 'weights/model.bin:500:1000', shard: { start: 500, end: 1000 } }];
    expectFailure(await verifyModelFiles(root, withResources(manifest, overlap)), 'SHARD_INVALID', ['weights/model.bin']);
  });

  for (const hashType of ['blake2b', 'blake3'] as const) {
    it(`verifies ${hashType} files and shards`, async (t) => {
      const root = await modelDir(t);
      assert.deepEqual(await verifyModelFiles(root, manifestFor(MODEL, { hashType })), { ok: true });
      assert.deepEqual(await verifyModelFiles(root, manifestFor(MODEL, { hashType, shardSize })), { ok: true });
      await writeFile(path.join(root, 'config.json'), 'changed');
      expectFailure(await verifyModelFiles(root, manifestFor(MODEL, { hashType })), 'FILE_DIGEST_MISMATCH', ['config.json']);
    });
  }

  it('UNSUPPORTED_HASH_ALGORITHM for an algorithm it cannot recompute', async (t) => {
    const root = await modelDir(t);
    const manifest = manifestFor(MODEL);
    const resources = manifest.resources.map((r) => (r.path === 'config.json' ? { ...r, algorithm: 'md5' } : r));
    expectFailure(await verifyModelFiles(root, withResources(manifest, resources)), 'UNSUPPORTED_HASH_ALGORITHM', [
      'config.json',
    ]);
  });
});

describe('verifyModelFiles: single-file models', () => {
  it('accepts a single file named "." or by its basename, sharded or not', async (t) => {
    const root = await modelDir(t, { 'model.safetensors': bytes(2500) });
    const file = path.join(root, 'model.safetensors');
    const dot = manifestFor({ '.': bytes(2500) });
    assert.deepEqual(await verifyModelFiles(file, dot), { ok: true });
    assert.deepEqual(await verifyModelFiles(file, manifestFor({ 'model.safetensors': bytes(2500) })), { ok: true });
    assert.deepEqual(await verifyModelFiles(file, manifestFor({ '.': bytes(2500) }, { shardSize: 1000 })), { ok: true });
    expectFailure(await verifyModelFiles(file, manifestFor({ 'other.bin': bytes(2500) })), 'FILE_MISSING', ['other.bin']);
    expectFailure(await verifyModelFiles(file, manifestFor({ '.': bytes(2500, 'x') })), 'FILE_DIGEST_MISMATCH', ['.']);
  });

  it('FILE_MISSING when the model path does not exist', async (t) => {
    const root = await modelDir(t);
    expectFailure(await verifyModelFiles(path.join(root, 'nope'), manifestFor(MODEL)), 'FILE_MISSING', ['nope']);
  });
});

describe('verifyModelFiles: containment and symlinks', () => {
  it('SYMLINK_NOT_ALLOWED when the signature does not allow symlinks', async (t) => {
    const root = await modelDir(t);
    await symlink('config.json', path.join(root, 'alias.json'));
    const files = { ...MODEL, 'alias.json': MODEL['config.json'] };
    expectFailure(await verifyModelFiles(root, manifestFor(files)), 'SYMLINK_NOT_ALLOWED', ['alias.json']);
    // an unsigned link under an ignore path is never looked at
    assert.deepEqual(await verifyModelFiles(root, manifestFor(MODEL), { ignorePaths: ['alias.json'] }), { ok: true });
  });

  it('follows an allowed symlink to a file inside the root and hashes its target', async (t) => {
    const root = await modelDir(t);
    await symlink('../config.json', path.join(root, 'weights/alias.json'));
    const files = { ...MODEL, 'weights/alias.json': MODEL['config.json'] };
    assert.deepEqual(await verifyModelFiles(root, manifestFor(files, { allowSymlinks: true })), { ok: true });
  });

  it('PATH_ESCAPES_ROOT for an allowed symlink resolving outside the root, directly or through another link', async (t) => {
    const outside = await modelDir(t, { 'secret.txt': 'outside' });
    const root = await modelDir(t);
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret.txt'));
    const files = { ...MODEL, 'secret.txt': 'outside' };
    expectFailure(await verifyModelFiles(root, manifestFor(files, { allowSymlinks: true })), 'PATH_ESCAPES_ROOT', ['secret.txt']);
    const root2 = await modelDir(t);
    await symlink(outside, path.join(root2, 'hop'));
    await symlink('hop/secret.txt', path.join(root2, 'secret.txt'));
    expectFailure(await verifyModelFiles(root2, manifestFor(files, { allowSymlinks: true })), 'PATH_ESCAPES_ROOT');
  });

  it('SYMLINK_NOT_ALLOWED for a link to a directory, even when the signature allows symlinks', async (t) => {
    const root = await modelDir(t);
    await mkdir(path.join(root, 'real'));
    await writeFile(path.join(root, 'real/a.bin'), 'a');
    await symlink('real', path.join(root, 'linked'));
    const files = { ...MODEL, 'real/a.bin': 'a' };
    const allowed = manifestFor(files, { allowSymlinks: true });
    expectFailure(await verifyModelFiles(root, allowed), 'SYMLINK_NOT_ALLOWED', ['linked']);
    // a link the caller leaves out is never looked at; nor is an unsigned one when unsigned files are ignored
    assert.deepEqual(await verifyModelFiles(root, allowed, { ignorePaths: ['linked'] }), { ok: true });
    assert.deepEqual(await verifyModelFiles(root, allowed, { ignoreUnsignedFiles: true }), { ok: true });
    // a signature listing files through the link does not make the link acceptable
    const viaLink = { ...files, 'linked/a.bin': 'a' };
    expectFailure(await verifyModelFiles(root, manifestFor(viaLink, { allowSymlinks: true })), 'SYMLINK_NOT_ALLOWED', ['linked']);
  });

  it('SYMLINK_NOT_ALLOWED for a link into an ignored folder (plugins -> .git/hooks)', async (t) => {
    const root = await modelDir(t);
    await mkdir(path.join(root, '.git/hooks'), { recursive: true });
    await writeFile(path.join(root, '.git/hooks/pre-commit'), '#!/bin/sh\necho unsigned code\n');
    await symlink('.git/hooks', path.join(root, 'plugins'));
    expectFailure(await verifyModelFiles(root, manifestFor(MODEL, { allowSymlinks: true })), 'SYMLINK_NOT_ALLOWED', ['plugins']);
  });

  it('SYMLINK_NOT_ALLOWED when the model path itself is a symlink', async (t) => {
    const root = await modelDir(t);
    const parent = await makeTempDir(t);
    await symlink(root, path.join(parent, 'model'));
    expectFailure(await verifyModelFiles(path.join(parent, 'model'), manifestFor(MODEL)), 'SYMLINK_NOT_ALLOWED');
    assert.deepEqual(await verifyModelFiles(path.join(parent, 'model'), manifestFor(MODEL, { allowSymlinks: true })), {
      ok: true,
    });
  });

  it('PATH_ESCAPES_ROOT for resource names that climb out of the root or are absolute', async (t) => {
    const root = await modelDir(t);
    const manifest: OmsManifest = manifestFor(MODEL);
    for (const name of ['../outside.txt', '/etc/passwd', 'weights/../../x']) {
      const resources = [...manifest.resources, { name, path: name, algorithm: 'sha256', hex: '00'.repeat(32) }];
      expectFailure(await verifyModelFiles(root, withResources(manifest, resources)), 'PATH_ESCAPES_ROOT');
    }
  });
});

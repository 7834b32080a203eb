// The `mpg` entry point loads each command only when asked (src/cli/main.ts): every listed command must still load
// and print its own help, and an unknown command is a usage error.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.ts';

describe('mpg', () => {
  it('lists its commands; each loads and prints its help; an unknown one exits 2', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.exit, 0);
    const names = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1] as string);
    assert.deepEqual(names.sort(), [
      'bom',
      'decide',
      'failed',
      'incidents',
      'ingest',
      'lineage',
      'migrate',
      'models-from-dataset',
      'serve',
      'submit',
      'trace',
      'verify-bundle',
      'verify-model',
    ]);
    for (const name of names) {
      const help = await runCli([name, '--help']);
      assert.equal(help.exit, 0, `${name} --help: ${help.stderr}`);
      assert.ok(help.stdout.startsWith(`usage: mpg ${name}`), `${name} --help prints its usage`);
    }
    const unknown = await runCli(['verify-modle']);
    assert.equal(unknown.exit, 2);
    assert.match(unknown.stderr, /^mpg: unknown command "verify-modle"/);
  });
});

// docker-compose.yml is for users with Docker; CI has none, so this checks what can be checked
// without an engine: the file is accepted by a Compose client when one is installed, and its images
// and published ports are the ones the README names.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/paths.ts';

const compose = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

function composeClient(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return null;
}

describe('docker-compose.yml', () => {
  it('uses the images and ports the README names', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(images, ['neo4j:5.26-community', 'redis:7']);
    for (const image of images) assert.ok(readme.includes(`\`${image}\``), `README names ${image}`);
    const ports = [...compose.matchAll(/["']127\.0\.0\.1:(\d+):\d+["']/g)].map((m) => m[1]);
    assert.deepEqual(ports, ['7687', '6379', '8080']);
    for (const port of ports) assert.ok(readme.includes(port), `README names port ${port}`);
  });

  it('is accepted by a Compose client when one is installed', (t) => {
    const client = composeClient();
    if (!client) {
      // reported as a skip, not a pass: nothing was checked
      t.skip('no Compose client on this machine (docker compose, docker-compose)');
      return;
    }
    const [command, ...args] = client as [string, ...string[]];
    const services = execFileSync(command, [...args, '-f', path.join(REPO_ROOT, 'docker-compose.yml'), 'config', '--services'], {
      encoding: 'utf8',
    });
    assert.deepEqual(services.trim().split('\n').sort(), ['api', 'neo4j', 'redis', 'worker']);
  });
});

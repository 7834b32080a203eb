import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('has working defaults for a local setup', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 8080);
    assert.equal(config.NEO4J_URI, 'bolt://127.0.0.1:7687');
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.ROLE, 'all');
    assert.equal(config.TRUST_POLICY_FILE, undefined);
  });

  it('names every bad key in one error', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', NEO4J_URI: 'http://x', QUEUE_NAME: 'a:b', ROLE: 'boss' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.code, 'CONFIG_INVALID');
        const keys = error.issues.map((issue) => issue.split(':')[0]).sort();
        assert.deepEqual(keys, ['NEO4J_URI', 'PORT', 'QUEUE_NAME', 'ROLE']);
        assert.match(error.message, /PORT: .*"eighty"/);
        return true;
      },
    );
  });

  it('treats empty strings as unset', () => {
    assert.equal(loadConfig({ PORT: '', TRUST_POLICY_FILE: '' }).PORT, 8080);
  });
});

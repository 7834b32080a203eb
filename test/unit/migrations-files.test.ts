import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMigrations } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';

describe('migration files', () => {
  it('are numbered, ordered, and hold only idempotent schema statements', async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    assert.ok(migrations.length >= 2);
    migrations.forEach((migration, index) => {
      if (index > 0) assert.ok(migration.version > migrations[index - 1]!.version);
      for (const statement of migration.statements) {
        assert.match(statement, /^CREATE (CONSTRAINT|INDEX) \w+ IF NOT EXISTS /, `${migration.name}: ${statement}`);
      }
    });
  });
});

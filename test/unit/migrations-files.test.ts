import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMigrations } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';

describe('migration files', () => {
  it('are numbered, ordered, and hold only idempotent statements: schema IF NOT EXISTS, or data clean-ups that only remove', async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    assert.ok(migrations.length >= 3);
    migrations.forEach((migration, index) => {
      if (index > 0) assert.ok(migration.version > migrations[index - 1]!.version);
      for (const statement of migration.statements) {
        if (/^CREATE /.test(statement)) {
          assert.match(statement, /^CREATE (CONSTRAINT|INDEX) \w+ IF NOT EXISTS /, `${migration.name}: ${statement}`);
          continue;
        }
        // Run again after a crash before its record, a clean-up finds nothing left to remove.
        assert.match(statement, /^MATCH /, `${migration.name}: ${statement}`);
        assert.match(statement, /\bREMOVE\b/, `${migration.name}: ${statement}`);
        assert.doesNotMatch(statement, /\b(CREATE|MERGE|SET|DELETE)\b/, `${migration.name}: ${statement}`);
      }
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMigrations } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';

/**
 * Data repairs: their statements write, each guarded so that it changes only what is not yet in the new shape (so a
 * run after a crash finishes the work); each has an integration test on a graph of the old shape
 * (004: test/integration/lineage-repair.test.ts).
 */
const REPAIRS = new Set([4]);

describe('migration files', () => {
  it('are numbered, ordered, and hold only idempotent statements: schema IF NOT EXISTS, data clean-ups that only remove, or a tested repair', async () => {
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
        if (REPAIRS.has(migration.version)) continue;
        assert.match(statement, /\bREMOVE\b/, `${migration.name}: ${statement}`);
        assert.doesNotMatch(statement, /\b(CREATE|MERGE|SET|DELETE)\b/, `${migration.name}: ${statement}`);
      }
    });
  });
});

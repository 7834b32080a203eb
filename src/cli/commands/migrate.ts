// `migrate`: apply pending Cypher migrations and exit (the service also does this at start).
import { applyMigrations, connectGraph } from '../../graph/index.ts';
import { loadConfig } from '../../config.ts';
import { MIGRATIONS_DIR } from '../../main.ts';
import { parse } from '../args.ts';

export const help = `usage: mpg migrate

Applies pending migrations from migrations/ to NEO4J_URI and prints what was applied.`;

export async function run(argv: string[]): Promise<number> {
  parse(argv, {});
  const config = loadConfig();
  const graph = connectGraph({
    uri: config.NEO4J_URI,
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
    database: config.NEO4J_DATABASE,
  });
  try {
    const report = await applyMigrations(graph, MIGRATIONS_DIR);
    for (const name of report.applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(`${report.applied.length} applied, ${report.alreadyApplied.length} already applied\n`);
    return 0;
  } finally {
    await graph.driver.close();
  }
}

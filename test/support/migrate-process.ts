// A process of its own that applies migrations, as the API and a worker each do when they start: `node
// test/support/migrate-process.ts <migrations dir>` with NEO4J_URI set connects, says "ready", waits for
// a line on stdin (so a test can start two at the same moment), applies the migrations and prints its report as
// one JSON line; on a fault it prints {"error": …} and exits 1.
import { createInterface } from 'node:readline';
import { applyMigrations, connectGraph, waitForGraph } from '../../src/graph/index.ts';

const [dir] = process.argv.slice(2);
const uri = process.env['NEO4J_URI'];
if (dir === undefined || uri === undefined) {
  console.error('usage: NEO4J_URI=… node test/support/migrate-process.ts <migrations dir>');
  process.exit(2);
}
const graph = connectGraph({ uri, database: 'neo4j' });
let exitCode = 0;
try {
  await waitForGraph(graph, 60_000);
  console.log('ready');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  const report = await applyMigrations(graph, dir);
  console.log(JSON.stringify(report));
} catch (error) {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  exitCode = 1;
} finally {
  await graph.driver.close();
}
process.exit(exitCode);

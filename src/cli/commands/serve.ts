// `serve`: run the service (the same as `npm start` without starting local Neo4j/Redis).
import { parse } from '../args.ts';

export const help = `usage: mpg serve

Runs the API and/or the worker (ROLE) with configuration from the environment (see README.md).`;

export async function run(argv: string[]): Promise<number> {
  parse(argv, {});
  const { main } = await import('../../main.ts');
  await main();
  // main() keeps the process alive until a signal stops it.
  return await new Promise<number>(() => {});
}

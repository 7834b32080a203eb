// Domain boundaries (docs/ARCHITECTURE.md): a domain imports another only through its index.ts, and only along the
// allowed direction; inside the graph domain, its write room is reached only through the door; only the CLI reads
// the command line. Run by `npm run lint`; exits non-zero listing every violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const ALLOWED: Record<string, readonly string[]> = {
  verify: [],
  graph: [],
  // Browser code: it reaches the service over GraphQL only, never through server modules.
  explorer: [],
  bom: ['graph'],
  // The deploy-time gate reads the graph; from verify it takes only the predicate-type constants.
  gate: ['graph', 'verify'],
  ingest: ['verify', 'graph'],
  // The API answers from the graph and queues submissions; verification happens in ingest, behind the queue.
  api: ['graph', 'bom', 'ingest', 'gate'],
  cli: ['api', 'ingest', 'bom', 'graph', 'verify', 'gate', '(root)'],
  '(root)': ['api', 'ingest', 'bom', 'graph', 'verify', 'gate', 'cli'],
};
/** Files at the top of src/ that every domain may import: the base of the domains' error classes. */
const SHARED = new Set([path.join(SRC, 'coded-error.ts')]);
/** Writes go through graph/index.ts (writeAttestation), whose transaction keeps the graph whole. */
const GRAPH_WRITE = path.join(SRC, 'graph', 'write');

function domainOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length > 1 ? (relative[0] ?? '(root)') : '(root)';
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

function* imports(file: string, text: string): Generator<{ specifier: string; target: string }> {
  for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const specifier = match[1] ?? '';
    yield { specifier, target: path.resolve(path.dirname(file), specifier) };
  }
}

const inside = (file: string, dir: string): boolean => !path.relative(dir, file).startsWith('..');

const problems: string[] = [];
for (const file of walk(SRC)) {
  const from = domainOf(file);
  const where = path.relative(ROOT, file);
  const text = readFileSync(file, 'utf8');
  // Arguments are parsed in one place (src/cli/args.ts) and handed down as values.
  if (from !== 'cli' && /\bprocess\.argv\b/.test(text)) problems.push(`${where}: only src/cli reads process.argv`);
  for (const { specifier, target } of imports(file, text)) {
    const to = domainOf(target);
    if (to === from || SHARED.has(target)) continue;
    if (!(ALLOWED[from] ?? []).includes(to)) problems.push(`${where}: ${from} must not import ${to}`);
    else if (to !== '(root)' && path.basename(target) !== 'index.ts')
      problems.push(`${where}: import ${to} through its index.ts, not ${specifier}`);
  }
}
// Scripts (benchmarks, fixture makers) may read a domain's internals, but never write the graph around its door.
for (const file of [...walk(SRC), ...walk(path.join(ROOT, 'scripts'))]) {
  if (inside(file, path.join(SRC, 'graph'))) continue;
  for (const { specifier, target } of imports(file, readFileSync(file, 'utf8'))) {
    if (inside(target, GRAPH_WRITE))
      problems.push(`${path.relative(ROOT, file)}: write the graph through graph/index.ts, not ${specifier}`);
  }
}
if (problems.length > 0) {
  console.error(`domain boundary violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('domain boundaries: ok');

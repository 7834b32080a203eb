// Domain boundaries (STYLE.md §1): a domain imports another only through its index.ts, and only
// along the allowed direction. Run by `npm run lint`; exits non-zero listing every violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../src');
const ALLOWED: Record<string, readonly string[]> = {
  verify: [],
  graph: [],
  // Browser code: it reaches the service over GraphQL only, never through server modules.
  explorer: [],
  bom: ['graph'],
  ingest: ['verify', 'graph'],
  api: ['graph', 'bom', 'ingest', 'verify'],
  cli: ['api', 'ingest', 'bom', 'graph', 'verify', '(root)'],
  '(root)': ['api', 'ingest', 'bom', 'graph', 'verify', 'cli'],
};

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

const problems: string[] = [];
for (const file of walk(SRC)) {
  const from = domainOf(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = path.resolve(path.dirname(file), match[1] ?? '');
    const to = domainOf(target);
    if (to === from) continue;
    const where = path.relative(SRC, file);
    if (!(ALLOWED[from] ?? []).includes(to)) problems.push(`${where}: ${from} must not import ${to}`);
    else if (to !== '(root)' && path.basename(target) !== 'index.ts')
      problems.push(`${where}: import ${to} through its index.ts, not ${match[1]}`);
  }
}
if (problems.length > 0) {
  console.error(`domain boundary violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('domain boundaries: ok');

#!/usr/bin/env node
// The `mpg` command line: one file per command under commands/, each with its own --help.
// Commands are imported only when run (dynamic import per command): one command's dependencies — the Neo4j driver,
// GraphQL, BullMQ — would otherwise load before any command starts (about 2.6 s before `verify-model --help` printed;
// `npm run bench -- cli-startup`, docs/BENCHMARKS.md).
import { enableCompileCache } from 'node:module';
import { UsageError } from './args.ts';

// V8's compiled code (and the TypeScript stripped of its types) is kept on disk (in the OS temp folder) between runs:
// a command's second start skips most of the compiling, about half of a short command's time.
enableCompileCache();

interface Command {
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

interface Entry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Record<string, Entry> = {
  serve: { summary: 'run the API and/or worker', load: () => import('./commands/serve.ts') },
  migrate: { summary: 'apply pending Neo4j migrations', load: () => import('./commands/migrate.ts') },
  submit: { summary: 'submit attestation files to a running service', load: () => import('./commands/submit.ts') },
  ingest: {
    summary: 'bulk-submit files, folders and JSON Lines to a running service',
    load: () => import('./commands/ingest.ts'),
  },
  failed: { summary: 'list or replay ingest jobs that gave up', load: () => import('./commands/failed.ts') },
  trace: {
    summary: 'incident trace: what a compromised artifact, package, identity or key affects',
    load: () => import('./commands/trace.ts'),
  },
  incidents: {
    summary: 'open, list, show and close stored incidents; admitted workloads one affects',
    load: () => import('./commands/incidents.ts'),
  },
  decide: {
    summary: 'deployment decision: may a model run under a deploy policy, and why',
    load: () => import('./commands/decide.ts'),
  },
  lineage: { summary: 'lineage of an artifact, with evidence', load: () => import('./commands/lineage.ts') },
  'models-from-dataset': {
    summary: 'models that came from a dataset, with paths',
    load: () => import('./commands/models-from-dataset.ts'),
  },
  bom: { summary: 'export a model AI-BOM (CycloneDX 1.6/1.7, SPDX 3.0.1)', load: () => import('./commands/bom.ts') },
  'verify-model': {
    summary: 'verify an OMS signature and a model folder offline',
    load: () => import('./commands/verify-model.ts'),
  },
  'verify-bundle': {
    summary: 'verify a Sigstore bundle against an artifact offline',
    load: () => import('./commands/verify-bundle.ts'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `usage: mpg <command> [options]   (npm run cli -- <command> …)\n\ncommands:\n${lines.join('\n')}\n\nmpg <command> --help shows a command's options.`;
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`mpg: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mpg ${name}: ${error.message}\n\n${command.help}\n`);
      return 2;
    }
    process.stderr.write(`mpg ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

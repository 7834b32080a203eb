#!/usr/bin/env node
// The `mpg` command line: one file per command under commands/, each with its own --help.
import { UsageError } from './args.ts';
import * as bom from './commands/bom.ts';
import * as failed from './commands/failed.ts';
import * as ingest from './commands/ingest.ts';
import * as lineage from './commands/lineage.ts';
import * as migrate from './commands/migrate.ts';
import * as modelsFromDataset from './commands/models-from-dataset.ts';
import * as serve from './commands/serve.ts';
import * as submit from './commands/submit.ts';
import * as trace from './commands/trace.ts';
import * as verifyBundle from './commands/verify-bundle.ts';
import * as verifyModel from './commands/verify-model.ts';

interface Command {
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; command: Command }> = {
  serve: { summary: 'run the API and/or worker', command: serve },
  migrate: { summary: 'apply pending Neo4j migrations', command: migrate },
  submit: { summary: 'submit attestation files to a running service', command: submit },
  ingest: { summary: 'bulk-submit files, folders and JSON Lines to a running service', command: ingest },
  failed: { summary: 'list or replay ingest jobs that gave up', command: failed },
  trace: { summary: 'incident trace: what a compromised artifact, package, identity or key affects', command: trace },
  lineage: { summary: 'lineage of an artifact, with evidence', command: lineage },
  'models-from-dataset': { summary: 'models that came from a dataset, with paths', command: modelsFromDataset },
  bom: { summary: 'export a model AI-BOM (CycloneDX 1.6/1.7, SPDX 3.0.1)', command: bom },
  'verify-model': { summary: 'verify an OMS signature and a model folder offline', command: verifyModel },
  'verify-bundle': { summary: 'verify a Sigstore bundle against an artifact offline', command: verifyBundle },
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
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.command.help}\n`);
    return 0;
  }
  try {
    return await entry.command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mpg ${name}: ${error.message}\n\n${entry.command.help}\n`);
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

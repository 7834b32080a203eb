// `npm run bench -- bom`: AI-BOM export time by graph size. For each size N, a model whose one trusted provenance lists
// N package dependencies is ingested through the real pipeline (verify, facts, write) into the Neo4j at NEO4J_URI, then
// its AI-BOM is exported the way the service does it (src/bom/exporter.ts: read, built, schema-validated and
// serialised on the export thread), in CycloneDX 1.7 and SPDX 3.0.1, once to warm up and then --repeat times. Reported
// per size and format: the median and worst wall time, the document's size, and the longest the calling thread's event
// loop was held meanwhile (what every other request of the service would wait). The models stay in the database, named
// bench-bom-<run>-<N>.
import { randomUUID } from 'node:crypto';
import { createBomExporter, type BomFormat } from '../../src/bom/index.ts';
import { closeGraph, connectGraph } from '../../src/graph/index.ts';
import { ingestDocument } from '../../src/ingest/index.ts';
import { loadTrustPolicy } from '../../src/verify/index.ts';
import { newSigner, omsStatement, policyFor, provenance, sha256, signBundle, signEnvelope } from '../../test/support/attest.ts';
import { writeTrustPolicy } from '../../test/support/service.ts';
import { BenchAbort, benchArgs, EXIT_ABORTED, EXIT_OK, settingsOr } from './benchmark.ts';
import { describeMachine, machine } from './machine.ts';
import { markdownTable } from './table.ts';

export const summary = 'AI-BOM export time (CycloneDX 1.7, SPDX 3.0.1) by the number of packages, on the export thread';

const USAGE = `usage: npm run bench -- bom [--sizes 100,1000,10000] [--repeat 3] [--json]
  needs NEO4J_URI (the models are written there and kept, named bench-bom-<run>-<N>)`;

const FORMATS: readonly BomFormat[] = ['CYCLONEDX_1_7', 'SPDX_3_0_1'];

interface Row {
  readonly packages: number;
  readonly format: BomFormat;
  readonly medianMs: number;
  readonly worstMs: number;
  readonly megabytes: number;
  readonly longestStallMs: number;
}

export async function run(argv: readonly string[]): Promise<number> {
  const settings = settingsOr(USAGE, () => {
    const values = benchArgs(argv, {
      sizes: { type: 'string', default: '100,1000,10000' },
      repeat: { type: 'string', default: '3' },
    });
    if (values.help) return 'help';
    const sizes = values.sizes.split(',').map(Number);
    const repeat = Number(values.repeat);
    if (!sizes.every((n) => Number.isInteger(n) && n > 0) || !Number.isInteger(repeat) || repeat < 1) {
      throw new Error('--sizes takes positive integers separated by commas, --repeat a positive integer');
    }
    if (!process.env['NEO4J_URI']) throw new Error('NEO4J_URI must be set');
    return { sizes, repeat, json: values.json };
  });
  if (typeof settings === 'number') return settings;

  const uri = process.env['NEO4J_URI'] as string;
  const where = machine();
  const signer = newSigner();
  const policy = loadTrustPolicy(await writeTrustPolicy(policyFor(signer)));
  const graph = connectGraph({ uri, database: 'neo4j' });
  const exporter = createBomExporter({ graph: { uri, database: 'neo4j' } });
  const runId = randomUUID().slice(0, 8);
  const rows: Row[] = [];
  try {
    for (const size of settings.sizes) {
      const name = `bench-bom-${runId}-${size}`;
      const model = omsStatement(name, { 'weights.bin': `weights ${name}` });
      const manyDeps = provenance({
        subjects: [{ name, digest: { sha256: model.root } }],
        dependencies: Array.from({ length: size }, (_, i) => ({
          uri: `pkg:pypi/${name}-dependency-${i}@1.0.${i}`,
          digest: { sha256: sha256(`${model.root}/${i}`) },
        })),
        runKind: 'training',
        invocationId: name,
      });
      const meta = { origin: 'bench-bom', collector: 'bench', receivedAt: new Date().toISOString() };
      for (const bytes of [signBundle(model.doc, signer), signEnvelope(manyDeps, signer)]) {
        const { result } = await ingestDocument(Buffer.from(bytes), meta, { graph, policy: () => policy });
        if (result.status !== 'verified')
          throw new BenchAbort(`the ${size}-package model did not verify: ${JSON.stringify(result)}`);
      }
      for (const format of FORMATS) {
        const once = async (): Promise<{ ms: number; bytes: number; stallMs: number }> => {
          let stall = 0;
          let last = performance.now();
          const probe = setInterval(() => {
            const now = performance.now();
            stall = Math.max(stall, now - last - 5);
            last = now;
          }, 5);
          const started = performance.now();
          const text = await exporter.export({
            digest: `sha256:${model.root}`,
            format,
            options: { timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
          });
          const ms = performance.now() - started;
          clearInterval(probe);
          return { ms, bytes: Buffer.byteLength(text), stallMs: stall };
        };
        await once();
        const runs = [];
        for (let i = 0; i < settings.repeat; i++) runs.push(await once());
        const times = runs.map((r) => r.ms).sort((a, b) => a - b);
        rows.push({
          packages: size,
          format,
          medianMs: Math.round(times[Math.floor(times.length / 2)] ?? 0),
          worstMs: Math.round(times.at(-1) ?? 0),
          megabytes: Math.round(((runs[0]?.bytes ?? 0) / 1e6) * 10) / 10,
          longestStallMs: Math.round(Math.max(...runs.map((r) => r.stallMs))),
        });
        if (!settings.json) console.error(`  ${size} packages, ${format}: median ${rows.at(-1)?.medianMs} ms`);
      }
    }
  } catch (error) {
    if (!(error instanceof BenchAbort)) throw error;
    console.error(error.message);
    return EXIT_ABORTED;
  } finally {
    await exporter.close();
    await closeGraph(graph);
  }

  if (settings.json) {
    console.log(JSON.stringify({ machine: where, repeat: settings.repeat, rows }, null, 2));
  } else {
    console.log(`${describeMachine(where)}; median and worst of ${settings.repeat} after one warm-up\n`);
    console.log(
      markdownTable(
        [
          { title: 'packages', align: 'right', cell: (r: Row) => r.packages.toLocaleString('en') },
          { title: 'format', align: 'left', cell: (r: Row) => r.format },
          { title: 'median', align: 'right', cell: (r: Row) => `${r.medianMs} ms` },
          { title: 'worst', align: 'right', cell: (r: Row) => `${r.worstMs} ms` },
          { title: 'document', align: 'right', cell: (r: Row) => `${r.megabytes} MB` },
          { title: 'event loop held', align: 'right', cell: (r: Row) => `${r.longestStallMs} ms` },
        ],
        rows,
      ),
    );
  }
  return EXIT_OK;
}

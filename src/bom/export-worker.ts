// The worker-thread side of exporter.ts: reads each AI-BOM's subject over its own Neo4j connection, builds and
// validates the document and serialises it, so that neither the large Neo4j record, the schema validation nor the
// serialisation runs on the event loop that answers requests. One message at a time, each under the deadline of the request that asked for it.
import { parentPort, workerData } from 'node:worker_threads';
import { connectGraph, GraphError, withQueryScope, type ConnectOptions } from '../graph/index.ts';
import type { ExportReply, ExportRequest } from './exporter.ts';
import { exportAiBom } from './export.ts';

const port = parentPort;
if (!port) throw new Error('export-worker.ts runs as a worker thread (see exporter.ts)');
const graph = connectGraph((workerData as { graph: ConnectOptions }).graph);
/** Never aborted: the thread builds one document at a time, and a deadline stops its queries. */
const NEVER = new AbortController().signal;

port.on('message', (request: ExportRequest) => {
  const work = (): Promise<object> => exportAiBom(graph, request.digest, request.format, request.options);
  const running = request.deadline === undefined ? work() : withQueryScope({ deadline: request.deadline, signal: NEVER }, work);
  running.then(
    (document) => port.postMessage({ id: request.id, json: JSON.stringify(document) } satisfies ExportReply),
    (error: unknown) => {
      const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
      port.postMessage({
        id: request.id,
        error: {
          source: error instanceof GraphError ? 'graph' : 'bom',
          code: typeof code === 'string' ? code : 'INVALID_BOM',
          message: typeof message === 'string' ? message : String(error),
          errors: Array.isArray(errors) ? errors : [],
        },
      } satisfies ExportReply);
    },
  );
});

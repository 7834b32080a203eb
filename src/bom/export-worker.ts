// The worker-thread side of exporter.ts: builds and validates one AI-BOM per message, so that a large document's
// schema validation runs beside the event loop that answers requests, not on it.
import { parentPort } from 'node:worker_threads';
import { buildBom } from './build.ts';
import type { ExportReply, ExportRequest } from './exporter.ts';

const port = parentPort;
if (!port) throw new Error('export-worker.ts runs as a worker thread (see exporter.ts)');

port.on('message', (request: ExportRequest) => {
  buildBom(request.subject, request.format, request.options).then(
    (document) => port.postMessage({ id: request.id, document } satisfies ExportReply),
    (error: unknown) => {
      const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
      port.postMessage({
        id: request.id,
        error: {
          code: typeof code === 'string' ? code : 'INVALID_BOM',
          message: typeof message === 'string' ? message : String(error),
          errors: Array.isArray(errors) ? errors : [],
        },
      } satisfies ExportReply);
    },
  );
});

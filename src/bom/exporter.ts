// AI-BOM documents made off the event loop. The AI-BOM of a model with 10,000 packages is one Neo4j record of
// 10,000 maps to decode, a document to build and schema-validate, about half a second of CPU in all; on the event
// loop every other request would wait that long. A worker thread (started on first use, restarted after a crash)
// reads the subject over a Neo4j connection of its own and builds and serialises the documents one at a time (the
// JSON text goes into the answer as it is); a bounded number may
// wait, and a thread that runs out of its memory limit fails only its own document. Graph faults in the thread come
// back as the GraphError they were (a deadline passed: TIMEOUT; Neo4j down: UNAVAILABLE).
import { Worker } from 'node:worker_threads';
import { GraphError, type ConnectOptions, type GraphErrorCode } from '../graph/index.ts';
import type { BomFormat } from './build.ts';
import type { BomOptions } from './cyclonedx.ts';
import { BomError, type BomErrorCode } from './errors.ts';

export interface ExportJob {
  readonly digest: string;
  readonly format: BomFormat;
  readonly options: BomOptions & { readonly maxComponents?: number };
  /** epoch ms: the thread's graph reads carry the time left as their transaction timeout. */
  readonly deadline?: number;
}

export interface ExportRequest extends ExportJob {
  readonly id: number;
}

export type ExportReply =
  | { readonly id: number; readonly json: string }
  | {
      readonly id: number;
      readonly error: { source: 'graph' | 'bom'; code: string; message: string; errors: unknown[] };
    };

export interface BomExporter {
  /**
   * The AI-BOM of the model `digest` as JSON text, read, built and serialised on the export thread (a string crosses
   * to this thread as one copy; a document of 10,000 components as objects would be rebuilt here piece by piece);
   * throws BomError or GraphError.
   */
  export(job: ExportJob): Promise<string>;
  /** Stops the worker thread (documents still waiting fail). */
  close(): Promise<void>;
}

export interface ExporterOptions {
  /** where the thread reads the graph. */
  readonly graph: ConnectOptions;
  /** documents that may wait for the thread; more are refused as BUSY (default 8). */
  readonly maxQueued?: number;
  /** heap limit of the thread in MiB (default 512). */
  readonly maxHeapMb?: number;
}

interface Pending {
  resolve(json: string): void;
  reject(error: Error): void;
}

const BOM_CODES = new Set<string>(['NOT_FOUND', 'NOT_A_MODEL', 'TOO_LARGE', 'INVALID_BOM', 'BUSY']);
const GRAPH_CODES = new Set<string>(['UNAVAILABLE', 'QUERY_FAILED', 'TOO_LARGE', 'TIMEOUT']);

export function createBomExporter(options: ExporterOptions): BomExporter {
  const maxQueued = options.maxQueued ?? 8;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;

  const failAll = (error: Error): void => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const thread = new Worker(new URL('./export-worker.ts', import.meta.url), {
      workerData: { graph: options.graph },
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 },
    });
    thread.unref();
    thread.on('message', (reply: ExportReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if ('json' in reply) waiting.resolve(reply.json);
      else waiting.reject(rebuild(reply.error));
    });
    const lost = (why: string, code: BomErrorCode): void => {
      if (worker === thread) worker = null;
      failAll(new BomError(code, why));
    };
    thread.on('error', (error) => {
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      lost(
        outOfMemory
          ? 'the AI-BOM needs more memory than one export may use'
          : `the AI-BOM export thread failed: ${error.message}`,
        outOfMemory ? 'TOO_LARGE' : 'INVALID_BOM',
      );
    });
    thread.on('exit', () => lost('the AI-BOM export thread stopped', 'INVALID_BOM'));
    return thread;
  };

  return {
    export(job) {
      if (pending.size >= maxQueued) {
        return Promise.reject(new BomError('BUSY', `${pending.size} AI-BOMs are being built; try again shortly`));
      }
      worker ??= start();
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker?.postMessage({ id, ...job } satisfies ExportRequest);
      });
    },
    async close() {
      const thread = worker;
      worker = null;
      failAll(new BomError('BUSY', 'the service is shutting down'));
      await thread?.terminate();
    },
  };
}

function rebuild(error: { source: 'graph' | 'bom'; code: string; message: string; errors: unknown[] }): Error {
  if (error.source === 'graph' && GRAPH_CODES.has(error.code)) return new GraphError(error.code as GraphErrorCode, error.message);
  const code = (BOM_CODES.has(error.code) ? error.code : 'INVALID_BOM') as BomErrorCode;
  return new BomError(code, error.message, { errors: error.errors });
}

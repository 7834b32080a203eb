// AI-BOM documents built off the event loop. Building and schema-validating the BOM of a model with 10,000 packages
// takes about half a second of CPU; on the event loop every other request would wait that long. A worker thread
// (started on first use, restarted after a crash) builds them one at a time; a bounded number may wait, and a thread
// that runs out of its memory limit fails only its own document.
import { Worker } from 'node:worker_threads';
import type { BomSubject } from '../graph/index.ts';
import type { BomBuilder, BomFormat } from './build.ts';
import type { BomOptions } from './cyclonedx.ts';
import { BomError, type BomErrorCode } from './errors.ts';

export interface ExportRequest {
  readonly id: number;
  readonly subject: BomSubject;
  readonly format: BomFormat;
  readonly options: BomOptions;
}

export type ExportReply =
  | { readonly id: number; readonly document: object }
  | { readonly id: number; readonly error: { code: string; message: string; errors: unknown[] } };

export interface BomExporter {
  readonly build: BomBuilder;
  /** Stops the worker thread (documents still waiting fail). */
  close(): Promise<void>;
}

export interface ExporterOptions {
  /** documents that may wait for the thread; more are refused as BUSY (default 8). */
  readonly maxQueued?: number;
  /** heap limit of the thread in MiB (default 512). */
  readonly maxHeapMb?: number;
}

interface Pending {
  resolve(document: object): void;
  reject(error: Error): void;
}

const CODES = new Set<string>(['NOT_FOUND', 'NOT_A_MODEL', 'TOO_LARGE', 'INVALID_BOM', 'BUSY']);

export function createBomExporter(options: ExporterOptions = {}): BomExporter {
  const maxQueued = options.maxQueued ?? 8;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;

  const failAll = (error: BomError): void => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const thread = new Worker(new URL('./export-worker.ts', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 },
    });
    thread.unref();
    thread.on('message', (reply: ExportReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if ('document' in reply) waiting.resolve(reply.document);
      else {
        const code = (CODES.has(reply.error.code) ? reply.error.code : 'INVALID_BOM') as BomErrorCode;
        waiting.reject(new BomError(code, reply.error.message, { errors: reply.error.errors }));
      }
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
    build(subject, format, bomOptions) {
      if (pending.size >= maxQueued) {
        return Promise.reject(new BomError('BUSY', `${pending.size} AI-BOMs are being built; try again shortly`));
      }
      worker ??= start();
      const id = nextId++;
      return new Promise<object>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker?.postMessage({ id, subject, format, options: bomOptions } satisfies ExportRequest);
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

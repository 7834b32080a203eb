// Every request that reads the graph runs under a deadline: its Neo4j queries carry the time left as their transaction
// timeout and are cancelled when it passes (graph request scopes), and the client gets QUERY_TIMEOUT at the deadline
// even if something else is still busy. When Neo4j goes down meanwhile, it gets SERVICE_UNAVAILABLE at once instead of
// waiting for the driver's retries.
import { withQueryScope, type GraphHealth } from '../graph/index.ts';
import { ApiError } from './errors.ts';

export interface GuardOptions {
  /** ms the request may take (QUERY_TIMEOUT_MS). */
  readonly timeoutMs: number;
  readonly health?: GraphHealth | undefined;
}

export async function guarded<T>(options: GuardOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ApiError('QUERY_TIMEOUT', `no answer within ${options.timeoutMs} ms; the query was stopped: ask a smaller question`),
      );
      controller.abort();
    }, options.timeoutMs);
    unsubscribe = options.health?.onDown(() => {
      reject(new ApiError('SERVICE_UNAVAILABLE', 'the graph database became unreachable; try again shortly'));
      controller.abort();
    });
  });
  try {
    const scope = { deadline: Date.now() + options.timeoutMs, signal: controller.signal };
    return await Promise.race([withQueryScope(scope, () => work(controller.signal)), stopped]);
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
  }
}

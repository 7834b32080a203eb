// The deadline of the request a query serves. The API runs each request inside `withQueryScope`; every query started
// in that scope — whichever read path starts it — gets the time left as its Neo4j transaction timeout (the server
// stops the transaction there), is cancelled when the request is abandoned, and fails at once when the deadline has
// passed or Neo4j is known to be down (health.ts). Outside a scope (the ingest worker, migrations) queries run as
// configured. The driver is wrapped once here, so no read function has to pass a deadline along.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Driver, QueryConfig, Session, SessionConfig } from 'neo4j-driver';
import { GraphError } from './errors.ts';
import type { GraphHealth } from './health.ts';

/** neo4j-driver does not export this type from its entry point. */
type TransactionConfig = NonNullable<Parameters<Session['run']>[2]>;

export interface QueryScope {
  /** epoch ms after which no query of this request may run. */
  readonly deadline: number;
  /** aborted when the request is abandoned (deadline reached, client gone): its running queries are cancelled. */
  readonly signal: AbortSignal;
}

const scopes = new AsyncLocalStorage<QueryScope>();

/** Runs `work` with every Neo4j query it starts bound to `scope`. */
export function withQueryScope<T>(scope: QueryScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The deadline (epoch ms) of the request being served, for work handed to another thread; undefined outside one. */
export function queryDeadline(): number | undefined {
  return scopes.getStore()?.deadline;
}

/**
 * True inside a request that was abandoned (its deadline passed or Neo4j went down, and the client has its answer):
 * errors its cancelled queries raise afterwards are consequences of that, not faults to report.
 */
export function queryScopeAbandoned(): boolean {
  return scopes.getStore()?.signal.aborted ?? false;
}

/** The transaction settings for a query starting now, or null outside a request scope; throws when it must not start. */
function scopedTransaction(health: GraphHealth): { scope: QueryScope; timeout: number } | null {
  const scope = scopes.getStore();
  if (!scope) return null;
  if (health.down) throw new GraphError('UNAVAILABLE', 'Neo4j is unreachable (the last health check failed); not trying');
  const left = scope.deadline - Date.now();
  if (left <= 0 || scope.signal.aborted)
    throw new GraphError('TIMEOUT', "the request's deadline passed before the query started");
  return { scope, timeout: Math.ceil(left) };
}

function withTimeout(config: TransactionConfig | undefined, timeout: number): TransactionConfig {
  const own = config?.timeout === undefined ? timeout : Number(config.timeout);
  return { ...config, timeout: Math.min(timeout, own) };
}

/** The driver every caller gets from `connectGraph`: the same driver, with request scopes applied. */
export function scopedDriver(driver: Driver, health: GraphHealth): Driver {
  const executeQuery = (query: string, params?: unknown, config: QueryConfig<unknown> = {}): Promise<unknown> => {
    let scoped: ReturnType<typeof scopedTransaction>;
    try {
      scoped = scopedTransaction(health);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (!scoped) return driver.executeQuery(query, params as never, config as never);
    return driver.executeQuery(
      query,
      params as never,
      {
        ...config,
        transactionConfig: withTimeout(config.transactionConfig, scoped.timeout),
        signal: config.signal ? AbortSignal.any([config.signal, scoped.scope.signal]) : scoped.scope.signal,
      } as never,
    );
  };
  const session = (config?: SessionConfig): Session => scopedSession(driver.session(config), health);
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'executeQuery') return executeQuery;
      if (property === 'session') return session;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A session whose transactions carry the scope's timeout; abandoning the request closes it (cancelling its query). */
function scopedSession(session: Session, health: GraphHealth): Session {
  // The signal the session listens to (the first scoped transaction's), removed again when the session closes.
  let watched: AbortSignal | null = null;
  const cancel = (): void => void session.close().catch(() => undefined);
  const configured = (config: TransactionConfig | undefined): TransactionConfig | undefined => {
    const scoped = scopedTransaction(health);
    if (!scoped) return config;
    if (!watched) {
      watched = scoped.scope.signal;
      watched.addEventListener('abort', cancel, { once: true });
    }
    return withTimeout(config, scoped.timeout);
  };
  return new Proxy(session, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      switch (property) {
        case 'run':
          return (query: unknown, params?: unknown, config?: TransactionConfig) => method(query, params, configured(config));
        case 'executeRead':
        case 'executeWrite':
          return async (work: unknown, config?: TransactionConfig) => method(work, configured(config));
        case 'beginTransaction':
          return (config?: TransactionConfig) => method(configured(config));
        case 'close':
          return () => {
            watched?.removeEventListener('abort', cancel);
            return method();
          };
        default:
          return method;
      }
    },
  });
}

// Whether Neo4j is reachable, known without waiting for a query to time out. Once watched, a probe (`RETURN 1` over a
// driver of its own, so a busy pool cannot make Neo4j look down) runs every second, and every quarter second while
// Neo4j is down. Requests then fail at once during an outage (request-scope.ts) instead of each waiting through the
// driver's connection timeout and retries, and requests already waiting are told the moment it goes down.
import neo4j, { type AuthToken, type Driver } from 'neo4j-driver';

export interface GraphHealth {
  /** true after a probe failed, until one succeeds. Always false when not watched. */
  readonly down: boolean;
  /** Calls `listener` each time Neo4j goes down; returns the unsubscribe function. */
  onDown(listener: () => void): () => void;
  /** Starts probing (idempotent). */
  watch(): void;
  /** Stops probing and closes the probe's driver. */
  close(): Promise<void>;
}

export interface HealthOptions {
  readonly uri: string;
  readonly auth: AuthToken | undefined;
  readonly database: string;
  /** ms between probes while Neo4j is up (default 1000). */
  readonly intervalMs?: number;
  /** ms a probe may take before Neo4j counts as down (default 1500). */
  readonly timeoutMs?: number;
}

export function createGraphHealth(options: HealthOptions): GraphHealth {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 1500;
  const listeners = new Set<() => void>();
  let down = false;
  let probeDriver: Driver | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const probe = async (): Promise<boolean> => {
    probeDriver ??= neo4j.driver(options.uri, options.auth, {
      maxConnectionPoolSize: 2,
      connectionAcquisitionTimeout: timeoutMs,
      connectionTimeout: timeoutMs,
    });
    const session = probeDriver.session({ database: options.database, defaultAccessMode: neo4j.session.READ });
    let expired: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        expired = setTimeout(() => reject(new Error('probe timed out')), timeoutMs);
      });
      await Promise.race([session.run('RETURN 1', {}, { timeout: timeoutMs }), timedOut]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(expired);
      void session.close().catch(() => undefined);
    }
  };

  const loop = async (): Promise<void> => {
    const ok = await probe();
    if (closed) return;
    if (!ok && !down) {
      down = true;
      for (const listener of listeners) listener();
    } else if (ok) {
      down = false;
    }
    timer = setTimeout(() => void loop(), down ? intervalMs / 4 : intervalMs);
    timer.unref();
  };

  return {
    get down() {
      return down;
    },
    onDown(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch() {
      if (timer || closed) return;
      timer = setTimeout(() => void loop(), 0);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await probeDriver?.close();
    },
  };
}

// Progress on stderr while `mpg ingest` runs: a redrawn bar when stderr is a terminal, otherwise (a log, a CI job)
// one plain line every few seconds, and only when something changed.
import { settled, type Tally } from './summary.ts';

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

export interface Progress {
  stop(): void;
}

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5_000;
const BAR_WIDTH = 24;

/** `heading` opens the plain output at once, so a log shows what started even if the run ends within one interval. */
export function startProgress(
  stream: ProgressStream,
  tally: Tally,
  total: number,
  heading: string,
  intervalMs?: number,
): Progress {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let last = '';
  if (!tty) stream.write(`mpg ingest: ${heading}\n`);
  const draw = (): void => {
    const line = tty ? barLine(tally, total, started, stream.columns ?? 80) : `mpg ingest: ${counts(tally, total)}`;
    if (line === last) return;
    last = line;
    stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const timer = setInterval(draw, intervalMs ?? (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS));
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty && last !== '') stream.write('\r\x1b[K');
    },
  };
}

function counts(tally: Tally, total: number): string {
  const parts = [`${settled(tally)}/${total} done`, `${tally.submitted} submitted`];
  if (tally.waited) parts.push(`${tally.verified} verified`, `${tally.rejected} rejected`, `${tally.failed} failed`);
  parts.push(`${tally.refused} refused`);
  return parts.join(', ');
}

function barLine(tally: Tally, total: number, started: number, columns: number): string {
  const done = settled(tally);
  const filled = total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH));
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  const rate = `${(done / seconds).toFixed(1)}/s`;
  const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${counts(tally, total)}, ${rate}`;
  // Never wrap: a wrapped line cannot be redrawn in place with \r.
  return line.slice(0, Math.max(columns - 1, 10));
}

// What `mpg ingest` counts and how it reports it: a human summary, or with --json one machine-readable object.

export type Outcome = 'verified' | 'rejected' | 'failed' | 'refused' | 'pending';

/** One document that did not verify (or, without --wait, was not taken). */
export interface Problem {
  readonly source: string;
  /** the submission id, when the service took the document. */
  readonly id: string | null;
  readonly outcome: Exclude<Outcome, 'verified'>;
  /** RejectionCode for rejected, the service's error code for refused, FAILED / PENDING otherwise. */
  readonly code: string;
  readonly message: string;
}

export interface Tally {
  readonly waited: boolean;
  /** documents read from the files. */
  read: number;
  /** documents the service took (202). */
  submitted: number;
  /** … of which it had not seen before. */
  created: number;
  verified: number;
  rejected: number;
  failed: number;
  refused: number;
  pending: number;
  readonly rejectedByCode: Map<string, number>;
  readonly refusedByCode: Map<string, number>;
  readonly problems: Problem[];
}

export function newTally(waited: boolean): Tally {
  return {
    waited,
    read: 0,
    submitted: 0,
    created: 0,
    verified: 0,
    rejected: 0,
    failed: 0,
    refused: 0,
    pending: 0,
    rejectedByCode: new Map(),
    refusedByCode: new Map(),
    problems: [],
  };
}

export function recordProblem(tally: Tally, problem: Problem): void {
  tally[problem.outcome] += 1;
  if (problem.outcome === 'rejected') increment(tally.rejectedByCode, problem.code);
  if (problem.outcome === 'refused') increment(tally.refusedByCode, problem.code);
  tally.problems.push(problem);
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Documents whose outcome is final for this run (with --wait: a verdict; without: taken or refused). */
export function settled(tally: Tally): number {
  return tally.waited
    ? tally.verified + tally.rejected + tally.failed + tally.refused + tally.pending
    : tally.submitted + tally.refused;
}

/** Anything other than "all verified" (with --wait) or "all taken" (without) makes the run unsuccessful. */
export function succeeded(tally: Tally): boolean {
  return tally.problems.length === 0;
}

/** Problems in file order (and line order within a JSON Lines file), whatever order their verdicts arrived in. */
function sortedProblems(tally: Tally): Problem[] {
  return [...tally.problems].sort((a, b) => a.source.localeCompare(b.source, 'en', { numeric: true }));
}

export interface SummaryJson {
  readonly url: string;
  readonly files: number;
  readonly waited: boolean;
  readonly documents: number;
  readonly submitted: number;
  readonly created: number;
  /** the verdict counts are null without --wait. */
  readonly verified: number | null;
  readonly rejected: { readonly total: number; readonly byCode: Record<string, number> } | null;
  readonly failed: number | null;
  readonly pending: number | null;
  readonly refused: { readonly total: number; readonly byCode: Record<string, number> };
  readonly ok: boolean;
  readonly problems: readonly Problem[];
}

export function summaryJson(tally: Tally, url: string, files: number): SummaryJson {
  const byCode = (map: Map<string, number>): Record<string, number> =>
    Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    url,
    files,
    waited: tally.waited,
    documents: tally.read,
    submitted: tally.submitted,
    created: tally.created,
    verified: tally.waited ? tally.verified : null,
    rejected: tally.waited ? { total: tally.rejected, byCode: byCode(tally.rejectedByCode) } : null,
    failed: tally.waited ? tally.failed : null,
    pending: tally.waited ? tally.pending : null,
    refused: { total: tally.refused, byCode: byCode(tally.refusedByCode) },
    ok: succeeded(tally),
    problems: sortedProblems(tally),
  };
}

/** How many problems the human summary lists one by one (--json lists all). */
export const LISTED_PROBLEMS = 50;

export function summaryText(tally: Tally, url: string, files: number): string {
  const lines = [`${tally.read} ${plural(tally.read, 'document')} from ${files} ${plural(files, 'file')} → ${url}`];
  const row = (label: string, count: number, detail = ''): void => {
    lines.push(`  ${label.padEnd(10)} ${String(count).padStart(6)}${detail ? `   ${detail}` : ''}`);
  };
  if (tally.waited) {
    row('verified', tally.verified);
    row('rejected', tally.rejected, codes(tally.rejectedByCode));
    row('failed', tally.failed, tally.failed > 0 ? 'infrastructure retries exhausted on the service; resubmit to retry' : '');
    if (tally.pending > 0) row('pending', tally.pending, 'no verdict before --timeout');
  } else {
    row('submitted', tally.submitted, `${tally.created} new, ${tally.submitted - tally.created} already known`);
  }
  row('refused', tally.refused, codes(tally.refusedByCode));
  if (tally.problems.length > 0) {
    lines.push('', 'problems:');
    for (const p of sortedProblems(tally).slice(0, LISTED_PROBLEMS)) {
      const id = p.id === null ? '' : `  ${p.id}`;
      lines.push(`  ${p.outcome.toUpperCase()} ${p.code}  ${p.source}${id}${p.message ? `\n      ${p.message}` : ''}`);
    }
    const more = tally.problems.length - LISTED_PROBLEMS;
    if (more > 0) lines.push(`  … and ${more} more (--json lists every one)`);
  }
  return lines.join('\n');
}

function codes(map: Map<string, number>): string {
  return [...map]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}

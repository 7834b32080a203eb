// Turns a zod error into the one-sentence list of bad fields that Rejected.message and VerifyError carry: every bad
// field is named, so one round of fixes is enough.

import type { z } from 'zod';

/** `dsseEnvelope.signatures[0].sig (expected string), mediaType (required)` — at most `limit` fields. */
export function describeIssues(error: z.ZodError, prefix = '', limit = 8): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    const path = formatPath(prefix, issue.path);
    return `${path === '' ? '(document)' : path} (${issue.message})`;
  });
  const more = error.issues.length > limit ? `, and ${error.issues.length - limit} more` : '';
  return parts.join(', ') + more;
}

/** `prefix` may end in a dot (`dsseEnvelope.`): the next key then follows it without another one. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' || out.endsWith('.') ? String(key) : `.${String(key)}`;
  }
  return out;
}

// Trust-entry scope: glob patterns over a Statement subject name (in-toto Statement v1 `subject[].name`).
// A trust entry with a scope only vouches for artifacts whose name one of its patterns matches, so a key
// (or identity) trusted for `org/*` cannot vouch for `other/model`.
//
// Glob syntax (whole-name match, case-sensitive):
//   `**` any run of characters, `/` included;  `*` any run without `/`;  `?` one character other than `/`.
// Every other character is literal. No brace or class syntax: fewer surprises in a security policy.

import type { Scope } from '../types.ts';

/** True when `scope` is absent (= any artifact) or one of its patterns matches the whole of `name`. */
export function matchesScope(name: string, scope: Scope): boolean {
  if (scope === undefined) return true;
  return scope.some((pattern) => globToRegExp(pattern).test(name));
}

const cache = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  // Anchored on both ends: a pattern never matches a mere substring of the name.
  const re = new RegExp(`^(?:${source})$`, 'su');
  cache.set(pattern, re);
  return re;
}

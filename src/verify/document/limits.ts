// Input limits: how much structure one submitted document may carry. Hostile input (JSON nested a million levels
// deep, a manifest of millions of files) is refused with LIMIT_EXCEEDED and the limit's name in the message, before
// any step whose cost or recursion grows with it. Every limit is far above what a real attestation needs
// (docs/VERIFICATION.md, "Limits"); callers may change them through VerifyOptions.limits.

export interface Limits {
  /** deepest nesting of JSON arrays and objects, in the document and separately in the DSSE payload. */
  readonly maxJsonDepth: number;
  /** subjects of one in-toto statement (a legacy OMS signature, one subject per file, uses maxOmsResources). */
  readonly maxSubjects: number;
  /** resources (files or shards) of one OMS manifest. */
  readonly maxOmsResources: number;
  /** `buildDefinition.resolvedDependencies` of one SLSA provenance predicate. */
  readonly maxSlsaDependencies: number;
  /** subjects × resolvedDependencies of one SLSA provenance: the dependency links lineage extraction creates. */
  readonly maxSlsaLinks: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxJsonDepth: 64,
  maxSubjects: 10_000,
  maxOmsResources: 100_000,
  maxSlsaDependencies: 10_000,
  maxSlsaLinks: 100_000,
};

/** The defaults with the caller's overrides; an override that is not a positive integer is ignored. */
export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  if (overrides === undefined) return DEFAULT_LIMITS;
  const pick = (key: keyof Limits): number => {
    const value = overrides[key];
    return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_LIMITS[key];
  };
  return {
    maxJsonDepth: pick('maxJsonDepth'),
    maxSubjects: pick('maxSubjects'),
    maxOmsResources: pick('maxOmsResources'),
    maxSlsaDependencies: pick('maxSlsaDependencies'),
    maxSlsaLinks: pick('maxSlsaLinks'),
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * True when JSON `text` opens more than `max` arrays/objects inside one another. A single pass over the text,
 * before JSON.parse: V8 parses any depth iteratively, but the parsed value would then overflow the stack in every
 * recursive consumer (JSON.stringify of a predicate field, structuredClone, schema walks).
 * SECURITY (denial of service): what passes this check nests at most `max` levels, so no later recursion over it
 * can exhaust the stack. Brackets inside strings do not count; text that is not JSON may be misjudged either way,
 * and JSON.parse rejects it afterwards.
 */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = closingQuote(text, i);
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth -= 1;
  }
  return false;
}

/** Index of the quote that closes the string opened at `open` (text.length when unterminated). */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    // indexOf skips a long string (a base64 payload) at native speed.
    at = text.indexOf('"', at + 1);
    if (at === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
}

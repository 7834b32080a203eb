// in-toto ResourceDescriptor helpers shared by the extractors (in-toto attestation spec v1).
import { z } from 'zod';

/** Identity digest preference (docs/LINEAGE.md, "Identity"): strongest common algorithms first. */
const PREFERENCE = ['sha256', 'sha512', 'sha384', 'blake2b', 'blake3'];
const HEX = /^[0-9a-f]+$/;

export const descriptorSchema = z.object({
  name: z.string().optional(),
  uri: z.string().optional(),
  digest: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

/** The one digest that names the artifact, `algorithm:hex`, or null when the set has no usable digest. */
export function identityDigest(digestSet: Readonly<Record<string, string>> | undefined): string | null {
  if (!digestSet) return null;
  const entries = Object.entries(digestSet)
    .map(([algorithm, hex]) => [algorithm.toLowerCase(), hex.toLowerCase()] as const)
    .filter(([, hex]) => HEX.test(hex));
  const rank = (algorithm: string): number => {
    const index = PREFERENCE.indexOf(algorithm);
    return index === -1 ? PREFERENCE.length : index;
  };
  entries.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  const first = entries[0];
  return first ? `${first[0]}:${first[1]}` : null;
}

/** Every digest in the set as `algorithm:hex`. */
export function allDigests(digestSet: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(digestSet ?? {}).map(([algorithm, hex]) => `${algorithm.toLowerCase()}:${hex.toLowerCase()}`);
}

/**
 * A document's own date-time (a card's creation time) as ISO 8601 UTC, or undefined when absent or not a date-time.
 * It is inside the signed payload, so ordering by it does not depend on when or in which order documents arrived.
 */
export function signedTime(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function annotation(annotations: Readonly<Record<string, unknown>> | undefined, key: string): string | null {
  const value = annotations?.[key];
  return typeof value === 'string' && value.length > 0 ? value.toLowerCase() : null;
}

/** A purl without qualifiers and subpath (`pkg:pypi/torch@2.5.1`), or null when `value` is not a purl. */
export function purlOf(value: string | undefined): string | null {
  if (!value || !value.startsWith('pkg:')) return null;
  const bare = value.split('#')[0]?.split('?')[0] ?? '';
  return /^pkg:[a-z0-9.+-]+\/.+/i.test(bare) ? bare : null;
}

export function purlParts(purl: string): { name: string | null; version: string | null } {
  const path = purl.slice(purl.indexOf('/') + 1);
  const at = path.lastIndexOf('@');
  const namePart = at === -1 ? path : path.slice(0, at);
  return {
    name: decodeURIComponent(namePart.split('/').pop() ?? namePart),
    version: at === -1 ? null : decodeURIComponent(path.slice(at + 1)),
  };
}

export function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

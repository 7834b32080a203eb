// Identifiers shared by the CycloneDX and SPDX builders: hashes from graph digests, references to the
// evidence attestations, and content-derived document ids (so the same subject and options give the
// same document byte for byte).
import { createHash } from 'node:crypto';
import type { BomAttestation, SignerRef } from '../graph/index.ts';

/** Graph digest algorithm (docs/LINEAGE.md, "Identity") → CycloneDX 1.6/1.7 `hash-alg`. */
const CYCLONEDX_ALG: Record<string, string> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  blake2b: 'BLAKE2b-512',
  blake3: 'BLAKE3',
};

/** Graph digest algorithm → SPDX 3.0.1 `HashAlgorithm` vocabulary entry. */
const SPDX_ALG: Record<string, string> = {
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  blake2b: 'blake2b512',
  blake3: 'blake3',
};

// CycloneDX `hash-content`: 32, 40, 64, 96 or 128 hex digits.
const HEX = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/;

export function splitDigest(digest: string): { algorithm: string; hex: string } | null {
  const colon = digest.indexOf(':');
  if (colon <= 0) return null;
  return { algorithm: digest.slice(0, colon).toLowerCase(), hex: digest.slice(colon + 1).toLowerCase() };
}

/** A CycloneDX hash for a graph digest, or null for algorithms CycloneDX has no name for. */
export function cyclonedxHash(digest: string): { alg: string; content: string } | null {
  const parts = splitDigest(digest);
  const alg = parts ? CYCLONEDX_ALG[parts.algorithm] : undefined;
  return parts && alg && HEX.test(parts.hex) ? { alg, content: parts.hex } : null;
}

/** An SPDX 3.0.1 `Hash` integrity method for a graph digest, or null for unknown algorithms. */
export function spdxHash(digest: string): { type: 'Hash'; algorithm: string; hashValue: string } | null {
  const parts = splitDigest(digest);
  const algorithm = parts ? SPDX_ALG[parts.algorithm] : undefined;
  return parts && algorithm && /^[0-9a-f]+$/.test(parts.hex) ? { type: 'Hash', algorithm, hashValue: parts.hex } : null;
}

/**
 * Where an attestation can be found. With the API's base URL this is the submission resource
 * (`GET /v1/attestations/{id}`); without one it is `urn:attestation:<digest>`. Both are valid for the
 * CycloneDX 1.6/1.7 `externalReference.url` (format `iri-reference`: any absolute IRI, URNs included) and
 * for an SPDX 3.0.1 `ExternalRef.locator` (a string). The URN namespace is ours, not IANA-registered:
 * the digest is the identity, the URN only makes it an IRI.
 */
export function attestationUrl(digest: string, baseUrl: string | undefined): string {
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}/v1/attestations/${digest}` : `urn:attestation:${digest}`;
}

/** A human line for an attestation reference: what it states and who signed it. */
export function attestationComment(attestation: BomAttestation | undefined): string {
  if (!attestation) return 'verified attestation';
  return `verified ${attestation.predicateType ?? 'attestation'}; signed by ${signerText(attestation.signer)}`;
}

function signerText(signer: SignerRef | null): string {
  if (!signer) return 'an unrecorded signer';
  switch (signer.kind) {
    case 'key':
      return `key sha256:${signer.fingerprint}`;
    case 'identity':
      return `${signer.subject} (issuer ${signer.issuer})`;
    case 'certificate':
      return `certificate ${signer.subject} (issuer ${signer.issuer}, key sha256:${signer.keyFingerprint})`;
  }
}

/**
 * A UUID from content: SHA-256 of the text, laid out as an RFC 9562 version-8 (custom) UUID. The same
 * subject and options give the same serial number; any change gives another.
 */
export function contentUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// RFC 3339 date-time as JSON Schema's `date-time` format (and SPDX's DateTime) accept it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

export function isDateTime(value: string | null): value is string {
  return value !== null && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** SPDX 3.0.1 DateTime is stricter: UTC, whole seconds, `Z`. */
export function spdxDateTime(value: string | null): string | null {
  if (!isDateTime(value)) return null;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

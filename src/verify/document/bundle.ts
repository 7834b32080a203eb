// Sigstore bundle (protobuf-specs dev.sigstore.bundle.v1.Bundle, protobuf-JSON field names), bare DSSE envelope
// and standalone Atlas manifest documents → one small internal type. This is the only place that reads raw
// submitted JSON.

import { z } from 'zod';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { decodeBase64, decodeUtf8, isBase64 } from './encoding.ts';
import { parseEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { DEFAULT_LIMITS, exceedsJsonDepth } from './limits.ts';
import { describeIssues } from './zod-issues.ts';
import { isStandaloneManifest } from '../atlas/standalone.ts';

export type BundleVersion = '0.1' | '0.2' | '0.3';

/** Sigstore bundle media types (sigstore_bundle.proto; `+json;version=0.3` is the pre-release spelling of v0.3). */
export const BUNDLE_MEDIA_TYPES: Readonly<Record<string, BundleVersion>> = {
  'application/vnd.dev.sigstore.bundle+json;version=0.1': '0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2': '0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3': '0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json': '0.3',
};

/** What the bundle offers to check the signature with (VerificationMaterial.content). */
export type Material =
  /** PublicKeyIdentifier.hint (OMS: hex SHA-256 of the PEM text), or pre-1.1 OMS rawBytes (the PEM text, base64). */
  | { readonly kind: 'publicKey'; readonly hint?: string; readonly rawBytes?: Buffer }
  /** X509CertificateChain: leaf first, then untrusted intermediates (DER). */
  | { readonly kind: 'x509CertificateChain'; readonly certificates: readonly Buffer[] }
  /** v0.3 X509Certificate: a single leaf (DER). */
  | { readonly kind: 'certificate'; readonly certificate: Buffer };

/** A document signed through a DSSE envelope. */
export type SignedDocument =
  | {
      readonly kind: 'bundle';
      readonly version: BundleVersion;
      readonly material: Material;
      readonly envelope: Envelope;
      /** the parsed JSON, handed unchanged to keyless verification (@sigstore/bundle parses it itself). */
      readonly json: unknown;
    }
  | { readonly kind: 'envelope'; readonly envelope: Envelope };

export type Document =
  | SignedDocument
  /** a standalone Atlas CLI manifest: its text (the claim's bytes are rebuilt from it) and its parse. */
  | { readonly kind: 'atlas-manifest'; readonly text: string; readonly json: object };

const base64 = z.string().refine(isBase64, { message: 'not base64' });
const certificate = z.object({ rawBytes: base64.refine((s) => s.length > 0, { message: 'empty' }) });

const BundleSchema = z.object({
  mediaType: z.string(),
  verificationMaterial: z.object({
    publicKey: z.object({ hint: z.string().nullable().optional(), rawBytes: base64.optional() }).optional(),
    x509CertificateChain: z.object({ certificates: z.array(certificate).min(1) }).optional(),
    certificate: certificate.optional(),
    tlogEntries: z.array(z.unknown()).optional(),
    timestampVerificationData: z.unknown().optional(),
  }),
  dsseEnvelope: z.unknown().optional(),
  messageSignature: z.unknown().optional(),
});

/**
 * Parses submitted bytes. Every shape problem becomes a Failure with its specific code.
 * `maxJsonDepth` bounds the nesting of the document (limits.ts); deeper documents are LIMIT_EXCEEDED.
 */
export function parseDocument(bytes: Uint8Array, maxJsonDepth = DEFAULT_LIMITS.maxJsonDepth): Check<Document> {
  const text = decodeUtf8(bytes);
  if (text === undefined) return fail('MALFORMED_JSON', 'The document is not valid UTF-8 text.');
  // SECURITY (denial of service): nothing deeper than the limit is ever parsed, so no later walk can overflow.
  if (exceedsJsonDepth(text, maxJsonDepth)) {
    return fail(
      'LIMIT_EXCEEDED',
      `The document nests JSON arrays and objects more than ${maxJsonDepth} levels deep (maxJsonDepth).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    if (isHexCbor(text)) return fail('UNSUPPORTED_ENCODING', HEX_CBOR);
    const why = text.trim() === '' ? 'it is empty' : (err as Error).message;
    return fail('MALFORMED_JSON', `The document is not JSON: ${why}.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    if (isHexCbor(text)) return fail('UNSUPPORTED_ENCODING', HEX_CBOR);
    return fail('MALFORMED_BUNDLE', 'The document is not a JSON object, so neither a Sigstore bundle nor a DSSE envelope.');
  }
  if (isStandaloneManifest(json)) return ok({ kind: 'atlas-manifest', text, json });
  if ('mediaType' in json) return parseBundle(json);
  if ('payloadType' in json || 'payload' in json || 'signatures' in json) {
    const envelope = parseEnvelope(json);
    return envelope.ok ? ok({ kind: 'envelope', envelope: envelope.value }) : envelope;
  }
  if ('dsseEnvelope' in json || 'verificationMaterial' in json) {
    return fail('MALFORMED_BUNDLE', 'The bundle has no mediaType.');
  }
  return fail('MALFORMED_BUNDLE', 'The document is neither a Sigstore bundle (no mediaType) nor a DSSE envelope.');
}

const HEX_CBOR =
  'The document is hex-encoded CBOR (Atlas CLI --encoding cbor); submit the JSON output (--encoding json) instead.';

/** Hex text whose first byte opens a CBOR map (major type 5): what Atlas CLI prints for `--encoding cbor`. */
function isHexCbor(text: string): boolean {
  const hex = text.trim();
  return /^(?:[0-9a-fA-F]{2})+$/.test(hex) && (parseInt(hex.slice(0, 2), 16) & 0xe0) === 0xa0;
}

function parseBundle(json: object): Check<Document> {
  const mediaType = (json as { mediaType: unknown }).mediaType;
  if (typeof mediaType !== 'string') return fail('MALFORMED_BUNDLE', 'The bundle mediaType is not a string.');
  // SECURITY: only the bundle versions whose layout we know; OMS §8.1 requires checking mediaType ourselves.
  const version = BUNDLE_MEDIA_TYPES[mediaType];
  if (version === undefined) {
    return fail(
      'UNSUPPORTED_MEDIA_TYPE',
      `The bundle mediaType "${mediaType.slice(0, 100)}" is not a Sigstore bundle media type.`,
    );
  }
  const shape = BundleSchema.safeParse(json);
  if (!shape.success) {
    return fail('MALFORMED_BUNDLE', `The bundle is malformed: ${describeIssues(shape.error)}.`);
  }
  const { verificationMaterial: vm, dsseEnvelope } = shape.data;
  if (dsseEnvelope === undefined) {
    const why =
      shape.data.messageSignature === undefined ? 'has no dsseEnvelope' : 'carries a messageSignature, not a dsseEnvelope';
    return fail('MALFORMED_BUNDLE', `The bundle ${why}; only DSSE attestations are accepted.`);
  }
  const material = parseMaterial(vm, version);
  if (!material.ok) return material;
  const envelope = parseEnvelope(dsseEnvelope, 'dsseEnvelope.');
  if (!envelope.ok) return envelope;
  return ok({ kind: 'bundle', version, material: material.value, envelope: envelope.value, json: camelCased(json) });
}

/**
 * The bundle as keyless verification reads it: @sigstore/bundle knows only the lowerCamelCase `payloadType`, so an
 * envelope spelling the proto field name (`payload_type`, envelope.ts) is handed over with the type renamed. Both
 * spellings together were refused by parseEnvelope unless equal.
 */
function camelCased(json: object): object {
  const env = (json as { dsseEnvelope?: unknown }).dsseEnvelope;
  if (typeof env !== 'object' || env === null || !('payload_type' in env)) return json;
  const { payload_type: payloadType, ...rest } = env as Record<string, unknown>;
  return { ...json, dsseEnvelope: { payloadType, ...rest } };
}

type RawMaterial = z.infer<typeof BundleSchema>['verificationMaterial'];

// VerificationMaterial.content is a protobuf oneof: exactly one of publicKey, x509CertificateChain, certificate.
function parseMaterial(vm: RawMaterial, version: BundleVersion): Check<Material> {
  const present = (['publicKey', 'x509CertificateChain', 'certificate'] as const).filter((k) => vm[k] !== undefined);
  if (present.length !== 1) {
    const found = present.length === 0 ? 'none' : present.join(' and ');
    return fail(
      'MALFORMED_BUNDLE',
      `The bundle verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate (found ${found}).`,
    );
  }
  if (vm.publicKey !== undefined) {
    const hint = vm.publicKey.hint ?? undefined;
    const raw = vm.publicKey.rawBytes === undefined ? undefined : decodeBase64(vm.publicKey.rawBytes);
    return ok({
      kind: 'publicKey',
      ...(hint === undefined || hint === '' ? {} : { hint }),
      ...(raw === undefined || raw.length === 0 ? {} : { rawBytes: raw }),
    });
  }
  if (vm.x509CertificateChain !== undefined) {
    const certificates = vm.x509CertificateChain.certificates.map((c) => decodeBase64(c.rawBytes) ?? Buffer.alloc(0));
    return ok({ kind: 'x509CertificateChain', certificates });
  }
  // X509Certificate as verificationMaterial.certificate exists from bundle v0.3 on (sigstore_bundle.proto field 5).
  if (version !== '0.3') {
    return fail('MALFORMED_BUNDLE', `verificationMaterial.certificate is not allowed in a v${version} bundle.`);
  }
  const der = decodeBase64(vm.certificate?.rawBytes ?? '') ?? Buffer.alloc(0);
  return ok({ kind: 'certificate', certificate: der });
}

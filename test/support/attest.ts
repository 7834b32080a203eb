// Makes real signed evidence for tests, fixtures and benchmarks: in-toto statements signed over the
// DSSE PAE with node:crypto, wrapped as a Sigstore v0.3 bundle (public-key hint) or a bare envelope.
// The verifier checks these exactly like documents from any other signer.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { pae } from '../../src/verify/signers/dsse.ts';

export const IN_TOTO = 'application/vnd.in-toto+json';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const OMS_V1 = 'https://model_signing/signature/v1.0';
export const TEST_RESULT = 'https://in-toto.io/attestation/test-result/v0.1';
export const CYCLONEDX = 'https://cyclonedx.org/bom';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export interface Signer {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  /** OMS hint: hex SHA-256 of the PEM text. */
  readonly hint: string;
}

export function signerFromKey(privateKey: KeyObject, publicKey: KeyObject): Signer {
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, hint: sha256(publicKeyPem) };
}

export function newSigner(curve: 'P-256' | 'P-384' = 'P-256'): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve === 'P-256' ? 'prime256v1' : 'secp384r1' });
  return signerFromKey(privateKey, publicKey);
}

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export function statement(predicateType: string, subject: ResourceDescriptor[], predicate: unknown): Record<string, unknown> {
  return { _type: STATEMENT_V1, subject, predicateType, predicate };
}

function envelopeOf(doc: unknown, signer: Signer): { payloadType: string; payload: string; signatures: { sig: string }[] } {
  const payload = Buffer.from(JSON.stringify(doc));
  const curve = signer.privateKey.asymmetricKeyDetails?.namedCurve;
  const hash = curve === 'secp384r1' ? 'sha384' : 'sha256';
  const sig = sign(hash, pae(IN_TOTO, payload), signer.privateKey);
  return { payloadType: IN_TOTO, payload: payload.toString('base64'), signatures: [{ sig: sig.toString('base64') }] };
}

/** A Sigstore bundle v0.3 with a public-key hint, as OMS key-mode signers write it. */
export function signBundle(doc: unknown, signer: Signer): string {
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: signer.hint }, tlogEntries: [] },
    dsseEnvelope: envelopeOf(doc, signer),
  });
}

/** A bare DSSE envelope. */
export function signEnvelope(doc: unknown, signer: Signer): string {
  return JSON.stringify(envelopeOf(doc, signer));
}

/** An OMS v1.0 statement for files given as path → content; the subject is the root digest. */
export function omsStatement(name: string, files: Record<string, string>): { doc: Record<string, unknown>; root: string } {
  const resources = Object.entries(files).map(([path, content]) => ({
    name: path,
    algorithm: 'sha256',
    digest: sha256(content),
  }));
  const root = sha256(Buffer.concat(resources.map((r) => Buffer.from(r.digest, 'hex'))));
  const predicate = {
    serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [] },
    resources,
  };
  return { doc: statement(OMS_V1, [{ name, digest: { sha256: root } }], predicate), root };
}

export interface ProvenanceInput {
  subjects: ResourceDescriptor[];
  dependencies: ResourceDescriptor[];
  runKind: string;
  invocationId: string;
  builder?: string;
  parameters?: Record<string, unknown>;
}

/** SLSA Provenance v1 for an ML pipeline run (docs/LINEAGE.md conventions). */
export function provenance(input: ProvenanceInput): Record<string, unknown> {
  return statement(SLSA_V1, input.subjects, {
    buildDefinition: {
      buildType: `https://ml.example.com/pipelines/${input.runKind}/v1`,
      externalParameters: { runKind: input.runKind, ...input.parameters },
      resolvedDependencies: input.dependencies,
    },
    runDetails: {
      builder: { id: input.builder ?? 'https://ml.example.com/builders/trainer' },
      metadata: { invocationId: input.invocationId, startedOn: '2026-11-01T00:00:00Z', finishedOn: '2026-11-01T06:00:00Z' },
    },
  });
}

/** The trust-policy file content trusting the given signers' keys. */
export function policyFor(...signers: Signer[]): { keys: { id: string; pem: string }[] } {
  return { keys: signers.map((s, i) => ({ id: `test-key-${i}`, pem: s.publicKeyPem })) };
}

// Checks on the Fulcio signing certificate that @sigstore/verify leaves out.
// It verifies the chain to the trusted root's CAs at the signing time and the SCTs, but looks only at the first
// certificate of the bundle and never at the leaf's usage (sigstore-js packages/verify/src/key/certificate.ts).

import { X509Certificate as NodeX509 } from 'node:crypto';
import { EXTENSION_OID_SCT, X509Certificate } from '@sigstore/core';
import { extensionName, PROCESSED_EXTENSIONS, unprocessedCritical } from '../signers/chain-rules.ts';
import { extensionsOf } from '../signers/x509-names.ts';
import type { Bundle } from '@sigstore/bundle';
import { fail, type Failure } from '../check.ts';

const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** What keyless verification processes in the signing certificate: certificate mode's set, plus the embedded SCTs. */
const KEYLESS_PROCESSED: ReadonlySet<string> = new Set([...PROCESSED_EXTENSIONS, EXTENSION_OID_SCT]);

/** The DER certificates the bundle carries, leaf first; empty for key-signed bundles. */
export function bundleCertificates(bundle: Bundle): Uint8Array[] {
  const content = bundle.verificationMaterial.content;
  switch (content.$case) {
    case 'certificate':
      return [content.certificate.rawBytes];
    case 'x509CertificateChain':
      return content.x509CertificateChain.certificates.map((c) => c.rawBytes);
    case 'publicKey':
      return [];
  }
}

/**
 * SECURITY: the certificate material of a keyless bundle is well-formed for a Sigstore signer.
 * - A v0.1/v0.2 chain must not carry a root (sigstore bundle spec: "the chain MUST NOT contain the root"; the
 *   sigstore-conformance case bundle-with-root-cert_fail). Trust comes from the trusted root only; a bundle that ships
 *   its own root shows a signer trying to bring its anchor along. "Root" = self-issued *and* self-signed — never
 *   decided from names alone (the OMS conformance test PKI has a leaf whose subject equals its issuer's).
 * - The leaf is an end-entity certificate made for code signing (Fulcio issues KeyUsage digitalSignature, EKU
 *   codeSigning, CA:FALSE): a CA certificate or a TLS certificate under the same root cannot sign artifacts.
 */
export function checkSigningCertificate(bundle: Bundle): Failure | undefined {
  const ders = bundleCertificates(bundle);
  const leafDer = ders[0];
  if (leafDer === undefined) return fail('MALFORMED_BUNDLE', 'the bundle carries no signing certificate');
  let chain: X509Certificate[];
  try {
    chain = ders.map((der) => X509Certificate.parse(Buffer.from(der)));
  } catch (err) {
    return fail('MALFORMED_BUNDLE', `a bundle certificate does not parse: ${String(err)}`);
  }
  for (const [i, cert] of chain.entries()) {
    if (isSelfSigned(cert)) {
      return fail(
        'CERTIFICATE_CHAIN_INVALID',
        `bundle certificate ${i} is a self-signed root: roots come from the trusted root only`,
      );
    }
  }
  let leaf: NodeX509;
  try {
    leaf = new NodeX509(Buffer.from(leafDer));
  } catch (err) {
    return fail('MALFORMED_BUNDLE', `the signing certificate does not parse: ${String(err)}`);
  }
  if (leaf.ca) {
    return fail('CERTIFICATE_USAGE_INVALID', 'the signing certificate is a CA certificate');
  }
  const ku = chain[0]?.extKeyUsage;
  if (ku !== undefined && !ku.digitalSignature) {
    return fail('CERTIFICATE_USAGE_INVALID', 'the signing certificate lacks KeyUsage digitalSignature');
  }
  // SECURITY (RFC 5280 §4.2): a critical extension nobody here processes forbids using the certificate.
  let critical;
  try {
    critical = unprocessedCritical(extensionsOf(chain[0]?.extensions ?? []), KEYLESS_PROCESSED);
  } catch (err) {
    return fail('MALFORMED_BUNDLE', `the signing certificate's extensions do not parse: ${String(err)}`);
  }
  if (critical !== undefined) {
    return fail(
      'CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION',
      `the signing certificate carries the critical extension ${extensionName(critical.oid)}, which this verifier does not process`,
    );
  }
  const eku: readonly string[] | undefined = leaf.keyUsage;
  if (eku === undefined || !eku.includes(EKU_CODE_SIGNING)) {
    return fail('CERTIFICATE_USAGE_INVALID', 'the signing certificate lacks ExtendedKeyUsage codeSigning');
  }
  return undefined;
}

function isSelfSigned(cert: X509Certificate): boolean {
  if (!cert.subject.equals(cert.issuer)) return false;
  try {
    return cert.verify();
  } catch {
    return false;
  }
}

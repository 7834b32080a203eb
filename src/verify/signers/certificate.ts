// Certificate mode (OMS spec §8.2 `certificate`): an X.509 leaf chained through untrusted bundle intermediates to
// a configured anchor, with node:crypto X509Certificate (@sigstore/bundle refuses x509CertificateChain in v0.3).

import { X509Certificate } from 'node:crypto';
import type { X509Certificate as AsnCertificate } from '@sigstore/core';
import { asnOf } from './asn-cache.ts';
import { fail, ok } from '../check.ts';
import type { Check, Failure } from '../check.ts';
import type { PreparedAnchor } from '../policy/material.ts';
import { checkPathRules } from './chain-rules.ts';

const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
/** Fulcio OIDC-issuer extensions (v1 and v2): present only on Sigstore keyless certificates. */
const FULCIO_ISSUER_OIDS = ['1.3.6.1.4.1.57264.1.1', '1.3.6.1.4.1.57264.1.8'];
const MAX_DEPTH = 8;
const MAX_INTERMEDIATES = 10;

export function parseCertificate(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/**
 * Self-signed: its own issuer by name and key identifier AND its signature verifies under its own key. Never decided
 * from names alone (the OMS test PKI has a leaf whose subject equals its issuer's).
 */
export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

function asn(cert: X509Certificate): AsnCertificate | undefined {
  try {
    return asnOf(cert.raw);
  } catch {
    return undefined;
  }
}

/** True when the certificate carries a Fulcio OIDC-issuer extension, i.e. it is a Sigstore keyless certificate. */
export function isFulcioCertificate(cert: X509Certificate): boolean {
  const parsed = asn(cert);
  return parsed !== undefined && FULCIO_ISSUER_OIDS.some((oid) => parsed.extension(oid) !== undefined);
}

/** Validity at `now`: the verification time, not the leaf's notBefore (model-transparency issue 663). */
function checkValidity(cert: X509Certificate, now: Date, role: string): Failure | undefined {
  if (now < cert.validFromDate) {
    return fail('CERTIFICATE_NOT_YET_VALID', `The ${role} certificate "${cert.subject}" is not valid before ${cert.validFrom}.`);
  }
  if (now > cert.validToDate) {
    return fail('CERTIFICATE_EXPIRED', `The ${role} certificate "${cert.subject}" expired on ${cert.validTo}.`);
  }
  return undefined;
}

/**
 * SECURITY: the leaf may sign artifacts only if KeyUsage has digitalSignature or ExtendedKeyUsage has codeSigning
 * (the same rule as the OMS reference), so a CA or TLS-only certificate under the same anchor cannot sign models.
 */
function checkLeafUsage(leaf: X509Certificate): Failure | undefined {
  if (asn(leaf)?.extKeyUsage?.digitalSignature === true) return undefined;
  if ((leaf.keyUsage ?? []).includes(EKU_CODE_SIGNING)) return undefined;
  return fail(
    'CERTIFICATE_USAGE_INVALID',
    `The leaf certificate "${leaf.subject}" allows neither digitalSignature nor codeSigning.`,
  );
}

interface Link {
  readonly cert: X509Certificate;
  /** CA certificates from this one down to the leaf, the leaf excluded (its issuer's pathLenConstraint bound). */
  readonly below: number;
}

/**
 * SECURITY: `issuer` really issued `child` — names and key identifiers match (checkIssued) AND the child's
 * signature verifies under the issuer's key — and the issuer may act as a CA (basicConstraints CA:TRUE, keyCertSign
 * when KeyUsage is present: X509_check_ca behind `.ca`) within its pathLenConstraint. Nothing is concluded from
 * names alone: the OMS test PKI has a CA:TRUE leaf whose subject equals its issuer's subject.
 */
function issues(issuer: X509Certificate, child: Link, now: Date): Check<true> | 'not-issuer' {
  if (issuer.raw.equals(child.cert.raw) || !child.cert.checkIssued(issuer)) return 'not-issuer';
  if (!child.cert.verify(issuer.publicKey)) {
    return fail(
      'CERTIFICATE_CHAIN_INVALID',
      `The signature on "${child.cert.subject}" does not verify under "${issuer.subject}".`,
    );
  }
  if (!issuer.ca) return fail('CERTIFICATE_CHAIN_INVALID', `The issuer "${issuer.subject}" is not a CA certificate.`);
  const pathLen = asn(issuer)?.extBasicConstraints?.pathLenConstraint;
  if (pathLen !== undefined && BigInt(child.below) > pathLen) {
    return fail('CERTIFICATE_CHAIN_INVALID', `The CA "${issuer.subject}" exceeds its path length constraint.`);
  }
  return checkValidity(issuer, now, 'CA') ?? ok(true);
}

export interface ChainResult {
  readonly leaf: X509Certificate;
  readonly anchor: PreparedAnchor;
}

/**
 * Chains `leafDer` (+ untrusted `intermediatesDer`) to one of `anchors` (already filtered to the subject's scope).
 * SECURITY: only configured anchors end a chain — never the system or web store, never a bundle certificate.
 */
export function verifyChain(
  leafDer: Buffer,
  intermediatesDer: readonly Buffer[],
  anchors: readonly PreparedAnchor[],
  now: Date,
): Check<ChainResult> {
  const leaf = parseCertificate(leafDer);
  if (leaf === undefined) return fail('MALFORMED_BUNDLE', 'The leaf certificate in the bundle is not DER X.509.');
  const intermediates: X509Certificate[] = [];
  for (const [i, der] of intermediatesDer.entries()) {
    const cert = parseCertificate(der);
    if (cert === undefined) return fail('MALFORMED_BUNDLE', `Bundle certificate ${i + 1} is not DER X.509.`);
    intermediates.push(cert);
  }
  if (intermediates.length > MAX_INTERMEDIATES) {
    return fail(
      'CERTIFICATE_CHAIN_INVALID',
      `The bundle carries ${intermediates.length} intermediates; at most ${MAX_INTERMEDIATES} are accepted.`,
    );
  }
  let firstProblem: Failure | undefined;
  // A path that reached an anchor but broke a path rule (chain-rules.ts) says more than any failed link.
  let pathProblem: Failure | undefined;
  const accept = (path: readonly X509Certificate[]): boolean => {
    const problem = checkPathRules(path);
    pathProblem ??= problem;
    return problem === undefined;
  };
  // SECURITY (denial of service): each bundle certificate is explored as an issuer at most once, so a bundle of
  // look-alike CA certificates sharing one key cannot make the path search exponential.
  const explored = new Set<X509Certificate>();
  const search = (link: Link, used: readonly X509Certificate[]): PreparedAnchor | undefined => {
    for (const anchor of anchors) {
      // the chain reached a pinned certificate itself
      if (anchor.cert.raw.equals(link.cert.raw)) {
        if (accept([leaf, ...used])) return anchor;
        continue;
      }
      const step = issues(anchor.cert, link, now);
      if (step === 'not-issuer') continue;
      if (!step.ok) {
        firstProblem ??= step;
        continue;
      }
      if (accept([leaf, ...used, anchor.cert])) return anchor;
    }
    if (used.length >= MAX_DEPTH) return undefined;
    for (const candidate of intermediates) {
      if (used.includes(candidate) || explored.has(candidate)) continue;
      const step = issues(candidate, link, now);
      if (step === 'not-issuer') continue;
      if (!step.ok) {
        firstProblem ??= step;
        continue;
      }
      explored.add(candidate);
      const found = search({ cert: candidate, below: link.below + 1 }, [...used, candidate]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const anchor = search({ cert: leaf, below: 0 }, []);
  if (anchor === undefined) {
    return (
      pathProblem ??
      firstProblem ??
      fail(
        'CERTIFICATE_UNTRUSTED',
        `The certificate "${leaf.subject}" (issuer "${leaf.issuer}") does not chain to a configured anchor.`,
      )
    );
  }
  const invalid = checkValidity(leaf, now, 'leaf') ?? checkLeafUsage(leaf);
  return invalid ?? ok({ leaf, anchor });
}

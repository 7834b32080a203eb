// Rules over a whole certificate path (leaf first, anchor last) beyond its issuer links (certificate.ts):
// - SECURITY (RFC 5280 §4.2): a certificate with a critical extension this verifier does not process is refused,
//   wherever it sits in the path — a critical extension is its issuer saying "do not use me unless you understand
//   this" (certificate policies, policy constraints, a private extension …);
// - a critical ExtendedKeyUsage must allow code signing (or any use), in a CA as in the leaf;
// - SECURITY: every name of every certificate below a CA fits that CA's name constraints (name-constraints.ts).
// Extensions processed: basicConstraints, keyUsage, extKeyUsage, subjectAltName, nameConstraints, and the key
// identifiers path building uses.

import type { X509Certificate } from 'node:crypto';
import type { X509Certificate as AsnCertificate } from '@sigstore/core';
import { asnOf } from './asn-cache.ts';
import { fail } from '../check.ts';
import type { Failure } from '../check.ts';
import { checkNames, parseNameConstraints } from './name-constraints.ts';
import type { ConstrainedNames } from './name-constraints.ts';
import { der, extensionsOf, NameSyntaxError, OID, parseName, subjectAltNames } from './x509-names.ts';
import type { Extension, GeneralName } from './x509-names.ts';

/** Extensions whose meaning certificate mode enforces (or, for the key identifiers, uses to build the path). */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
]);

const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const EKU_ANY = '2.5.29.37.0';

/** Names for the extensions a refusal is most likely to name. */
const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.33': 'policyMappings',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.54': 'inhibitAnyPolicy',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.46': 'freshestCRL',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.9': 'subjectDirectoryAttributes',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

/** node:crypto prints a distinguished name one attribute per line; a message keeps it on one. */
export function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] === undefined ? oid : `${EXTENSION_NAMES[oid]} (${oid})`;
}

interface Parsed {
  readonly cert: X509Certificate;
  readonly asn: AsnCertificate;
  readonly extensions: readonly Extension[];
}

/** The path rules' view of each certificate, once per parsed certificate (asn-cache.ts keeps those). */
const views = new WeakMap<AsnCertificate, readonly Extension[]>();

function parse(cert: X509Certificate): Parsed {
  const asn = asnOf(cert.raw);
  let extensions = views.get(asn);
  if (extensions === undefined) {
    extensions = extensionsOf(asn.extensions);
    views.set(asn, extensions);
  }
  return { cert, asn, extensions };
}

/** Issuer and subject names; only read when a CA above carries name constraints. */
function namesOf(asn: AsnCertificate): { selfIssued: boolean; subject: ReturnType<typeof parseName> } {
  const tbs = asn.tbsCertificate;
  const offset = tbs.subs[0]?.tag.isContextSpecific(0) === true ? 1 : 0; // [0] version is optional
  const issuer = tbs.subs[2 + offset];
  const subject = tbs.subs[4 + offset];
  if (issuer === undefined || subject === undefined) throw new NameSyntaxError('a tbsCertificate without names');
  // RFC 5280's "self-issued": subject and issuer are the same name
  return { selfIssued: issuer.toDER().equals(subject.toDER()), subject: parseName(subject) };
}

/** The first critical extension of `extensions` outside `processed`, if any. */
export function unprocessedCritical(extensions: readonly Extension[], processed: ReadonlySet<string>): Extension | undefined {
  return extensions.find((e) => e.critical && !processed.has(e.oid));
}

/** Checks the path `leaf … anchor`; undefined when every rule holds. */
export function checkPathRules(path: readonly X509Certificate[]): Failure | undefined {
  let parsed: Parsed[];
  try {
    parsed = path.map(parse);
  } catch (error) {
    return fail('CERTIFICATE_CHAIN_INVALID', `A certificate in the chain cannot be read: ${(error as Error).message}.`);
  }
  for (const [i, { cert, extensions }] of parsed.entries()) {
    const role = i === 0 ? 'leaf' : i === parsed.length - 1 ? 'anchor' : 'CA';
    const seen = new Set<string>();
    for (const e of extensions) {
      if (seen.has(e.oid)) {
        return fail(
          'CERTIFICATE_CHAIN_INVALID',
          `The ${role} certificate "${oneLine(cert.subject)}" carries ${extensionName(e.oid)} twice.`,
        );
      }
      seen.add(e.oid);
    }
    const critical = unprocessedCritical(extensions, PROCESSED_EXTENSIONS);
    if (critical !== undefined) {
      return fail(
        'CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION',
        `The ${role} certificate "${oneLine(cert.subject)}" carries the critical extension ${extensionName(critical.oid)}, which this verifier does not process.`,
      );
    }
    const usage = criticalUsage(extensions, role, oneLine(cert.subject));
    if (usage !== undefined) return usage;
  }
  return checkConstraints(parsed);
}

function criticalUsage(extensions: readonly Extension[], role: string, subject: string): Failure | undefined {
  const eku = extensions.find((e) => e.oid === OID.extKeyUsage && e.critical);
  if (eku === undefined) return undefined;
  let uses: string[];
  try {
    uses = der(eku.value).subs.map((s) => s.toOID());
  } catch {
    return fail('CERTIFICATE_CHAIN_INVALID', `The ${role} certificate "${subject}" has an unreadable extKeyUsage.`);
  }
  if (uses.includes(EKU_CODE_SIGNING) || uses.includes(EKU_ANY)) return undefined;
  return fail(
    'CERTIFICATE_USAGE_INVALID',
    `The ${role} certificate "${subject}" limits its use (critical extKeyUsage) to purposes other than code signing.`,
  );
}

/** RFC 5280 §6.1.3 (b)-(c): each CA's constraints bind every certificate below it that is not self-issued (the leaf always). */
function checkConstraints(parsed: readonly Parsed[]): Failure | undefined {
  for (let ca = parsed.length - 1; ca >= 1; ca--) {
    const authority = parsed[ca] as Parsed;
    const ext = authority.extensions.find((e) => e.oid === OID.nameConstraints);
    if (ext === undefined) continue;
    let constraints;
    try {
      constraints = parseNameConstraints(ext.value);
    } catch (error) {
      return fail(
        'CERTIFICATE_CHAIN_INVALID',
        `The name constraints of "${oneLine(authority.cert.subject)}" cannot be read: ${(error as Error).message}.`,
      );
    }
    for (let below = ca - 1; below >= 0; below--) {
      const cert = parsed[below] as Parsed;
      let constrained: ConstrainedNames | 'self-issued';
      try {
        constrained = constrainedNames(cert, below === 0);
      } catch (error) {
        return fail(
          'CERTIFICATE_CHAIN_INVALID',
          `The names of "${oneLine(cert.cert.subject)}" cannot be read: ${(error as Error).message}.`,
        );
      }
      if (constrained === 'self-issued') continue;
      const problem = checkNames(constrained, constraints, oneLine(authority.cert.subject));
      if (problem === undefined) continue;
      return problem.kind === 'violation'
        ? fail('CERTIFICATE_NAME_NOT_PERMITTED', `Certificate "${oneLine(cert.cert.subject)}": ${problem.message}.`)
        : fail('CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION', `Certificate "${oneLine(cert.cert.subject)}": ${problem.message}.`);
    }
  }
  return undefined;
}

// A host name as OpenSSL's cn2dnsid recognises one in a common name: letters, digits, hyphens, at least one dot.
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** The names constraints bind, or 'self-issued' for an intermediate they skip (RFC 5280 §6.1.4 (b)). */
function constrainedNames(cert: Parsed, isLeaf: boolean): ConstrainedNames | 'self-issued' {
  const { selfIssued, subject } = namesOf(cert.asn);
  if (selfIssued && !isLeaf) return 'self-issued';
  const found: GeneralName[] = subjectAltNames(cert.extensions);
  const attributes = subject.flat();
  // RFC 5280 §4.2.1.10: rfc822Name constraints also bind emailAddress attributes of the subject.
  for (const a of attributes) {
    if (a.oid === OID.emailAddress && a.text !== undefined) found.push({ kind: 'email', value: a.text });
  }
  // OpenSSL also holds a leaf's host-like common name to dNSName constraints when it has no dNSName: a name a
  // relying party may take for the signer's must not escape the constraints either.
  if (isLeaf && !found.some((n) => n.kind === 'dns')) {
    for (const a of attributes) {
      if (a.oid === OID.commonName && a.text !== undefined && HOST_NAME.test(a.text)) found.push({ kind: 'dns', value: a.text });
    }
  }
  return { subject, names: found };
}

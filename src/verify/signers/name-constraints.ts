// Name constraints (RFC 5280 §4.2.1.10, path processing §6.1.3 (b)-(c) and §6.1.4 (g)): a CA certificate may
// restrict the names of every certificate below it to permitted subtrees and keep them out of excluded ones. Without
// this, a sub-CA constrained to `@allowed.example` could issue a leaf for `signer@other.example`, and the graph would
// record that identity as the signer.
//
// Processed forms: rfc822Name (email), dNSName, uniformResourceIdentifier (its host), iPAddress and directoryName.
// A constraint of another form (otherName, x400Address, ediPartyName, registeredID), or one with a minimum or maximum
// (which RFC 5280 forbids), cannot be checked: a certificate below it carrying a name of that form is refused.

import type { ASN1Obj } from '@sigstore/core';
import { der, NameSyntaxError, parseGeneralName, sameRdn } from './x509-names.ts';
import type { DistinguishedName, GeneralName } from './x509-names.ts';

/** The tag given to a subtree with a minimum or maximum: a constraint this verifier does not evaluate. */
const BOUNDED = -1;

export interface Subtrees {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
}

/** A name the constraints do not allow ('violation'), or cannot judge ('unsupported'), with a sentence saying which. */
export interface ConstraintProblem {
  readonly kind: 'violation' | 'unsupported';
  readonly message: string;
}

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] … }. */
export function parseNameConstraints(value: Buffer): Subtrees {
  const seq = der(value);
  const subtrees = (tag: number): GeneralName[] => {
    const list = seq.subs.find((s) => s.tag.isContextSpecific(tag));
    return list === undefined ? [] : list.subs.map(subtreeBase);
  };
  return { permitted: subtrees(0), excluded: subtrees(1) };
}

/** GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }. */
function subtreeBase(subtree: ASN1Obj): GeneralName {
  const [base, ...bounds] = subtree.subs;
  if (base === undefined) throw new NameSyntaxError('an empty GeneralSubtree');
  const name = parseGeneralName(base);
  // RFC 5280: minimum MUST be zero (DER omits the default), maximum MUST be absent.
  if (bounds.length > 0) return { kind: 'other', tag: BOUNDED };
  return name;
}

/** The names of one certificate that name constraints apply to. */
export interface ConstrainedNames {
  /** the subject DN; empty subjects are not constrained. */
  readonly subject: DistinguishedName;
  /** the subjectAltName entries, plus emailAddress attributes of the subject (RFC 5280 §4.2.1.10) and, for a leaf
   *  without dNSName entries, a common name that looks like a host name (as OpenSSL checks it). */
  readonly names: readonly GeneralName[];
}

/** Checks one certificate's names against one CA's constraints; undefined when they all fit. */
export function checkNames(names: ConstrainedNames, constraints: Subtrees, caSubject: string): ConstraintProblem | undefined {
  const all: GeneralName[] = [...names.names];
  if (names.subject.length > 0) all.push({ kind: 'directory', name: names.subject });
  for (const name of all) {
    const problem = checkName(name, constraints);
    if (problem !== undefined) {
      return {
        kind: problem,
        message:
          problem === 'unsupported'
            ? `the name constraints of "${caSubject}" cannot be checked for ${describe(name)}`
            : `${describe(name)} is outside the name constraints of "${caSubject}"`,
      };
    }
  }
  return undefined;
}

function checkName(name: GeneralName, constraints: Subtrees): 'violation' | 'unsupported' | undefined {
  // Constraints apply to names of their own form. One this verifier cannot read (an uninterpreted form, or a
  // bounded subtree whose form was not kept) may be about this name: refuse rather than guess.
  const relevant = (c: GeneralName): boolean =>
    c.kind === 'other' ? c.tag === BOUNDED || (name.kind === 'other' && name.tag === c.tag) : c.kind === name.kind;
  const excluded = constraints.excluded.filter(relevant);
  const permitted = constraints.permitted.filter(relevant);
  if ([...excluded, ...permitted].some((c) => c.kind === 'other')) return 'unsupported';
  if (name.kind === 'other') return undefined; // no constraint of its form
  for (const base of excluded) {
    const within = contains(base, name);
    if (within !== false) return within === 'unsupported' ? 'unsupported' : 'violation';
  }
  if (permitted.length === 0) return undefined; // no permitted subtree of this form: any name of it is allowed
  let unsupported = false;
  for (const base of permitted) {
    const within = contains(base, name);
    if (within === true) return undefined;
    if (within === 'unsupported') unsupported = true;
  }
  return unsupported ? 'unsupported' : 'violation';
}

/** Is `name` inside the subtree `base` (same form)? 'unsupported' when the name cannot be read for it. */
function contains(base: GeneralName, name: GeneralName): boolean | 'unsupported' {
  if (base.kind === 'email' && name.kind === 'email') return emailWithin(base.value, name.value);
  if (base.kind === 'dns' && name.kind === 'dns') return dnsWithin(base.value, name.value);
  if (base.kind === 'uri' && name.kind === 'uri') {
    const host = uriHost(name.value);
    return host === undefined ? 'unsupported' : hostWithin(base.value, host);
  }
  if (base.kind === 'ip' && name.kind === 'ip') return ipWithin(base.bytes, name.bytes);
  if (base.kind === 'directory' && name.kind === 'directory') {
    return base.name.length <= name.name.length && base.name.every((rdn, i) => sameRdn(rdn, name.name[i] ?? []));
  }
  return false;
}

const lower = (s: string) => s.toLowerCase();

/**
 * rfc822Name constraints: `local@host` is one mailbox (local part exact, host case-insensitive); `host` is every
 * mailbox at that host; `.domain` every mailbox at any host below the domain. A leading `@` (as in `@host`, an
 * OpenSSL spelling) means the host.
 */
function emailWithin(base: string, email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false; // not a mailbox: it cannot be shown to fit
  const [local, host] = [email.slice(0, at), email.slice(at + 1)];
  const baseAt = base.lastIndexOf('@');
  if (baseAt > 0) return base.slice(0, baseAt) === local && lower(base.slice(baseAt + 1)) === lower(host);
  const domain = baseAt === 0 ? base.slice(1) : base;
  if (domain.startsWith('.')) return lower(host).endsWith(lower(domain));
  return lower(host) === lower(domain);
}

/** dNSName constraints: the host itself and every host below it, by whole labels; `.domain` only those below. */
function dnsWithin(base: string, host: string): boolean {
  const b = lower(base.replace(/\.$/, ''));
  const h = lower(host.replace(/\.$/, ''));
  if (b === '') return true;
  if (b.startsWith('.')) return h.endsWith(b);
  return h === b || h.endsWith(`.${b}`);
}

/** URI constraints name a host: `host` exactly, `.domain` any host below the domain (RFC 5280 §4.2.1.10). */
function hostWithin(base: string, host: string): boolean {
  const [b, h] = [lower(base), lower(host.replace(/\.$/, ''))];
  return b.startsWith('.') ? h.endsWith(b) : h === b;
}

function uriHost(uri: string): string | undefined {
  try {
    const host = new URL(uri).hostname;
    return host === '' ? undefined : host.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** iPAddress constraints are address + mask (8 bytes for IPv4, 32 for IPv6). */
function ipWithin(base: Buffer, address: Buffer): boolean {
  if (base.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = base[address.length + i] ?? 0;
    if (((address[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
  }
  return true;
}

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'email':
      return `the email name "${name.value}"`;
    case 'dns':
      return `the DNS name "${name.value}"`;
    case 'uri':
      return `the URI "${name.value}"`;
    case 'ip':
      return `the IP address ${[...name.bytes].join(name.bytes.length === 4 ? '.' : ':')}`;
    case 'directory':
      return `the subject "${name.name.map((rdn) => rdn.map((a) => `${ATTRIBUTE_NAMES[a.oid] ?? a.oid}=${a.text ?? '…'}`).join('+')).join(', ')}"`;
    case 'other':
      return `a name of GeneralName form [${name.tag}]`;
  }
}

// The names an X.509 certificate carries (RFC 5280 §4.1.2.6 subject, §4.2.1.6 subjectAltName) and the extensions it
// lists, read from the DER with @sigstore/core's ASN.1 parser: what name constraints and the critical-extension rule
// need, which node:crypto's X509Certificate does not expose (it prints names as text).

import { ASN1Obj } from '@sigstore/core';

export const OID = {
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** One attribute of a distinguished name, its value normalised for comparison (RFC 5280 §7.1, approximately). */
export interface Attribute {
  readonly oid: string;
  /** decoded text of a string value (undefined for other types). */
  readonly text?: string;
  /** the comparison key: the case-folded, whitespace-collapsed text, or the value's DER in hex. */
  readonly key: string;
}

/** A distinguished name: its relative distinguished names in order, each a set of attributes. */
export type DistinguishedName = readonly (readonly Attribute[])[];

/** GeneralName (RFC 5280 §4.2.1.6), with the forms name constraints can test decoded. */
export type GeneralName =
  | { readonly kind: 'email' | 'dns' | 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Buffer }
  | { readonly kind: 'directory'; readonly name: DistinguishedName }
  /** otherName, x400Address, ediPartyName, registeredID: not interpreted here. */
  | { readonly kind: 'other'; readonly tag: number };

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** the extnValue contents (the DER of the extension's own structure). */
  readonly value: Buffer;
}

/** Thrown for DER this module cannot read; callers turn it into a rejection. */
export class NameSyntaxError extends Error {}

// Universal string types (X.680): how each is decoded to text.
const STRING_DECODERS: Readonly<Record<number, (b: Buffer) => string>> = {
  0x0c: (b) => b.toString('utf8'), // UTF8String
  0x13: (b) => b.toString('latin1'), // PrintableString
  0x14: (b) => b.toString('latin1'), // TeletexString (as Latin-1, as OpenSSL does)
  0x16: (b) => b.toString('latin1'), // IA5String
  0x1a: (b) => b.toString('latin1'), // VisibleString
  0x1c: (b) => decodeUtf32(b), // UniversalString
  0x1e: (b) => Buffer.from(b).swap16().toString('utf16le'), // BMPString
};

function decodeUtf32(b: Buffer): string {
  if (b.length % 4 !== 0) throw new NameSyntaxError('a UniversalString of odd length');
  let out = '';
  for (let i = 0; i < b.length; i += 4) out += String.fromCodePoint(b.readUInt32BE(i));
  return out;
}

/** RFC 5280 §7.1 compares names after LDAP StringPrep: case folded, insignificant spaces removed. */
function comparisonKey(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function attribute(atv: ASN1Obj): Attribute {
  const [type, value] = atv.subs;
  if (type === undefined || value === undefined || !type.tag.isOID()) throw new NameSyntaxError('a malformed name attribute');
  const oid = type.toOID();
  const decode = value.tag.isUniversal() ? STRING_DECODERS[value.tag.number] : undefined;
  if (decode === undefined) return { oid, key: `#${value.toDER().toString('hex')}` };
  const text = decode(value.value);
  return { oid, text, key: comparisonKey(text) };
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
export function parseName(name: ASN1Obj): DistinguishedName {
  return name.subs.map((rdn) => rdn.subs.map(attribute));
}

/** Two RDNs are equal when they hold the same attributes, in any order (a SET). */
export function sameRdn(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a.length !== b.length) return false;
  const keys = (rdn: readonly Attribute[]) => rdn.map((x) => `${x.oid}=${x.key}`).sort();
  const [ka, kb] = [keys(a), keys(b)];
  return ka.every((k, i) => k === kb[i]);
}

export function parseGeneralName(obj: ASN1Obj): GeneralName {
  if (!obj.tag.isContextSpecific()) throw new NameSyntaxError('a GeneralName without a context tag');
  const ascii = () => obj.value.toString('latin1');
  switch (obj.tag.number) {
    case 1:
      return { kind: 'email', value: ascii() };
    case 2:
      return { kind: 'dns', value: ascii() };
    case 6:
      return { kind: 'uri', value: ascii() };
    case 7:
      return { kind: 'ip', bytes: Buffer.from(obj.value) };
    case 4: {
      const name = obj.subs[0];
      if (name === undefined) throw new NameSyntaxError('an empty directoryName');
      return { kind: 'directory', name: parseName(name) };
    }
    default:
      return { kind: 'other', tag: obj.tag.number };
  }
}

/** Parses DER, re-reading an OCTET STRING's contents explicitly (the parser's guess may have left them opaque). */
export function der(bytes: Buffer): ASN1Obj {
  try {
    return ASN1Obj.parseBuffer(Buffer.from(bytes));
  } catch (cause) {
    throw new NameSyntaxError(`undecodable DER: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The extensions of a certificate (tbsCertificate `[3] Extensions`), in order. */
export function extensionsOf(extensionObjs: readonly ASN1Obj[]): Extension[] {
  return extensionObjs.map((ext) => {
    const [id, second, third] = ext.subs;
    const octets = third ?? second;
    if (id === undefined || !id.tag.isOID() || octets === undefined || !octets.tag.isOctetString()) {
      throw new NameSyntaxError('a malformed extension');
    }
    return { oid: id.toOID(), critical: third !== undefined && second !== undefined && second.toBoolean(), value: octets.value };
  });
}

/** subjectAltName ::= GeneralNames (SEQUENCE OF GeneralName); absent → []. */
export function subjectAltNames(extensions: readonly Extension[]): GeneralName[] {
  const san = extensions.find((e) => e.oid === OID.subjectAltName);
  return san === undefined ? [] : der(san.value).subs.map(parseGeneralName);
}

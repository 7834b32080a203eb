// Name-constraint matching (RFC 5280 §4.2.1.10) form by form, beyond the reference-signed fixture chains of
// hardening.test.ts: label boundaries, the three rfc822Name spellings, URI hosts, IP masks, directory-name prefixes
// compared case- and space-insensitively, excluded before permitted, and forms this verifier cannot judge.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNames } from '../../../src/verify/signers/name-constraints.ts';
import type { Subtrees } from '../../../src/verify/signers/name-constraints.ts';
import type { Attribute, DistinguishedName, GeneralName } from '../../../src/verify/signers/x509-names.ts';

const attr = (oid: string, text: string): Attribute => ({ oid, text, key: text.trim().replace(/\s+/g, ' ').toLowerCase() });
const dn = (...rdns: [string, string][]): DistinguishedName => rdns.map(([oid, text]) => [attr(oid, text)]);
const O = '2.5.4.10';
const OU = '2.5.4.11';
const CN = '2.5.4.3';

const email = (value: string): GeneralName => ({ kind: 'email', value });
const dns = (value: string): GeneralName => ({ kind: 'dns', value });
const uri = (value: string): GeneralName => ({ kind: 'uri', value });
const ip = (...bytes: number[]): GeneralName => ({ kind: 'ip', bytes: Buffer.from(bytes) });
const dir = (name: DistinguishedName): GeneralName => ({ kind: 'directory', name });

function verdict(names: GeneralName[], constraints: Partial<Subtrees>, subject: DistinguishedName = []): string {
  const problem = checkNames({ subject, names }, { permitted: [], excluded: [], ...constraints }, 'CA');
  return problem === undefined ? 'ok' : problem.kind;
}

describe('rfc822Name', () => {
  it('a host constraint allows every mailbox at that host only', () => {
    const permitted = [email('allowed.example')];
    assert.equal(verdict([email('a@allowed.example')], { permitted }), 'ok');
    assert.equal(verdict([email('a@ALLOWED.example')], { permitted }), 'ok');
    assert.equal(verdict([email('a@sub.allowed.example')], { permitted }), 'violation');
    assert.equal(verdict([email('signer@other.example')], { permitted }), 'violation');
  });

  it('"@host" (OpenSSL spelling) is the host; ".domain" is every host below it; "local@host" one mailbox', () => {
    assert.equal(verdict([email('a@allowed.example')], { permitted: [email('@allowed.example')] }), 'ok');
    assert.equal(verdict([email('a@x.allowed.example')], { permitted: [email('.allowed.example')] }), 'ok');
    assert.equal(verdict([email('a@allowed.example')], { permitted: [email('.allowed.example')] }), 'violation');
    assert.equal(verdict([email('a@notallowed.example')], { permitted: [email('.allowed.example')] }), 'violation');
    assert.equal(verdict([email('ci@allowed.example')], { permitted: [email('ci@allowed.example')] }), 'ok');
    assert.equal(verdict([email('CI@allowed.example')], { permitted: [email('ci@allowed.example')] }), 'violation');
  });

  it('a name that is not a mailbox cannot be shown to fit', () => {
    assert.equal(verdict([email('no-at-sign')], { permitted: [email('allowed.example')] }), 'violation');
  });
});

describe('dNSName', () => {
  it('matches the name and names below it, by whole labels', () => {
    const permitted = [dns('allowed.example')];
    assert.equal(verdict([dns('allowed.example')], { permitted }), 'ok');
    assert.equal(verdict([dns('models.Allowed.Example')], { permitted }), 'ok');
    assert.equal(verdict([dns('notallowed.example')], { permitted }), 'violation');
    assert.equal(verdict([dns('allowed.example.evil')], { permitted }), 'violation');
  });

  it('excluded subtrees win over permitted ones', () => {
    const constraints = { permitted: [dns('example')], excluded: [dns('blocked.example')] };
    assert.equal(verdict([dns('ok.example')], constraints), 'ok');
    assert.equal(verdict([dns('x.blocked.example')], constraints), 'violation');
  });

  it('a constraint of one form says nothing about names of another', () => {
    assert.equal(verdict([email('a@anything.example')], { permitted: [dns('allowed.example')] }), 'ok');
  });
});

describe('uniformResourceIdentifier', () => {
  it('constrains the host: exactly, or any host below a ".domain"', () => {
    assert.equal(verdict([uri('https://ci.allowed.example/p')], { permitted: [uri('ci.allowed.example')] }), 'ok');
    assert.equal(verdict([uri('https://x.ci.allowed.example/p')], { permitted: [uri('ci.allowed.example')] }), 'violation');
    assert.equal(verdict([uri('https://x.allowed.example/p')], { permitted: [uri('.allowed.example')] }), 'ok');
    assert.equal(verdict([uri('https://allowed.example.evil/p')], { permitted: [uri('.allowed.example')] }), 'violation');
  });

  it('a URI without a host cannot be judged', () => {
    assert.equal(verdict([uri('urn:example:model')], { permitted: [uri('.allowed.example')] }), 'unsupported');
  });
});

describe('iPAddress', () => {
  it('compares under the mask, IPv4 and IPv6 apart', () => {
    const excluded = [ip(10, 0, 0, 0, 255, 0, 0, 0)];
    assert.equal(verdict([ip(10, 1, 2, 3)], { excluded }), 'violation');
    assert.equal(verdict([ip(11, 1, 2, 3)], { excluded }), 'ok');
    const v6 = Array.from({ length: 16 }, () => 0);
    assert.equal(verdict([ip(...v6)], { permitted: [ip(192, 168, 0, 0, 255, 255, 0, 0)] }), 'violation');
  });
});

describe('directoryName', () => {
  const permitted = [dir(dn([O, 'MPG Test'], [OU, 'Allowed']))];

  it('the subject must start with the constraint, compared without case or extra spaces', () => {
    assert.equal(verdict([], { permitted }, dn([O, 'MPG Test'], [OU, 'Allowed'], [CN, 'Signer'])), 'ok');
    assert.equal(verdict([], { permitted }, dn([O, 'mpg  test'], [OU, 'ALLOWED'], [CN, 'Signer'])), 'ok');
    assert.equal(verdict([], { permitted }, dn([O, 'MPG Test'], [OU, 'Other'], [CN, 'Signer'])), 'violation');
    assert.equal(verdict([], { permitted }, dn([OU, 'Allowed'], [O, 'MPG Test'], [CN, 'Signer'])), 'violation');
    assert.equal(verdict([], { permitted }, dn([O, 'MPG Test'])), 'violation');
  });

  it('an empty subject is not constrained; a directoryName in subjectAltName is', () => {
    assert.equal(verdict([], { permitted }, []), 'ok');
    assert.equal(verdict([dir(dn([O, 'Elsewhere']))], { permitted }, []), 'violation');
  });
});

describe('forms this verifier does not interpret', () => {
  it('a constraint on otherName refuses a certificate carrying an otherName, and only that', () => {
    const constraints = { permitted: [{ kind: 'other', tag: 0 } as const] };
    assert.equal(verdict([{ kind: 'other', tag: 0 }], constraints), 'unsupported');
    assert.equal(verdict([{ kind: 'other', tag: 8 }], constraints), 'ok');
    assert.equal(verdict([email('a@b.example')], constraints), 'ok');
  });

  it('a subtree with a minimum or maximum (forbidden by RFC 5280) refuses every name below it', () => {
    const constraints = { permitted: [{ kind: 'other', tag: -1 } as const] };
    assert.equal(verdict([email('a@b.example')], constraints), 'unsupported');
  });
});

// Trust from certificate files as the OMS reference reads `verify certificate --certificate_chain` (the conformance
// protocol's `--cert-chain`): every certificate of every file goes into one OpenSSL X509Store, and OpenSSL — without
// X509_V_FLAG_PARTIAL_CHAIN, which the reference does not set — ends a chain only at a self-signed certificate of
// that store. So here a self-signed certificate is an anchor, and any other one only helps to build the path, as an
// untrusted bundle intermediate would. A pinned intermediate (a chain that ends below a root) is a trust-policy
// anchor's job (docs/TRUST-POLICY.md), not the command line's.

import { X509Certificate } from 'node:crypto';
import { isSelfSigned } from '../signers/certificate.ts';
import type { TrustedAnchor } from '../types.ts';
import { pemBlocks } from './material.ts';

export interface ChainFile {
  /** the name shown in messages and anchor ids, e.g. the path the user gave. */
  readonly name: string;
  readonly text: string;
}

export interface ChainFileTrust {
  /** the self-signed certificates: the only ones that may end a chain. */
  readonly anchors: readonly TrustedAnchor[];
  /** every other certificate, PEM: untrusted, offered to complete a path (VerifyOptions.intermediates). */
  readonly intermediates: readonly string[];
  /** files that hold no parsable certificate, with what is wrong. */
  readonly unusable: readonly string[];
}

export function trustFromChainFiles(files: readonly ChainFile[]): ChainFileTrust {
  const anchors: TrustedAnchor[] = [];
  const intermediates: string[] = [];
  const unusable: string[] = [];
  for (const file of files) {
    const blocks = pemBlocks(file.text, 'CERTIFICATE');
    if (blocks.length === 0) unusable.push(`${file.name} holds no PEM certificate`);
    for (const [n, pem] of blocks.entries()) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        unusable.push(`certificate ${n + 1} of ${file.name} does not parse`);
        continue;
      }
      if (isSelfSigned(cert)) anchors.push({ id: `${file.name}#${n + 1}`, pem });
      else intermediates.push(pem);
    }
  }
  return { anchors, intermediates, unusable };
}

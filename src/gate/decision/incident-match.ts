// The rule every deploy policy has (docs/DEPLOY-GATE.md, "Incidents"): deny when an open incident covers the model or
// anything upstream of it — a base model, dataset or file by digest, a package by version range, or a signing
// identity or key that signed an attestation about any of them (as an incident trace from that compromise would
// reach the model). Each match names the incident, the node, the path from the model to it and the evidence.
import {
  inRange,
  type AttestationAbout,
  type Compromised,
  type IncidentRecord,
  type PathTree,
  type UpstreamEvidence,
} from '../../graph/index.ts';
import { reason, signerText, type PathStep, type Reason } from './decision.ts';

/** The hops from the model (the tree's start) to node `id`, each with the attestations behind it. */
export function pathTo(tree: PathTree, id: string): PathStep[] {
  const steps: PathStep[] = [];
  for (let entry = tree.reached.get(id); entry?.edge; entry = tree.reached.get(entry.edge.from)) {
    const { edge } = entry;
    steps.unshift({
      type: edge.type,
      from: tree.nodes.get(edge.from)?.key ?? edge.from,
      to: tree.nodes.get(edge.to)?.key ?? edge.to,
      evidence: edge.evidence,
    });
  }
  return steps;
}

function packageMatches(purl: string, cover: Extract<Compromised, { kind: 'package' }>): boolean {
  if (cover.purl.includes('@')) return purl === cover.purl;
  if (purl !== cover.purl && !purl.startsWith(`${cover.purl}@`)) return false;
  const version = decodeURIComponent(purl.slice(cover.purl.length + 1));
  return inRange(version, cover.versionRange);
}

function describe(cover: Compromised): string {
  switch (cover.kind) {
    case 'artifact':
      return cover.digest;
    case 'package':
      return `${cover.purl}${cover.versionRange ? ` ${cover.versionRange}` : ''}`;
    case 'identity':
      return `${cover.subject} (${cover.issuer})`;
    case 'key':
      return `key ${cover.fingerprint}`;
  }
}

/** Signer keys an incident cover may name: `identity <issuer> <subject>`, `key <fingerprint>`. */
function signerKeys(about: AttestationAbout): string[] {
  const s = about.signer;
  if (!s) return [];
  if (s.kind === 'identity') return [`identity ${s.issuer} ${s.subject}`];
  if (s.kind === 'key') return [`key ${s.fingerprint}`];
  return [`key ${s.keyFingerprint}`];
}

/**
 * One failed INCIDENT reason per (incident, cover, matched node); one passed reason when nothing matched. The tree is
 * indexed once (nodes by key, packages, attestations by signer), so each cover costs a look-up, not a walk of the
 * tree, and paths are built only for matches.
 */
export function incidentReasons(upstream: UpstreamEvidence, incidents: readonly IncidentRecord[], depth: number): Reason[] {
  const { tree, attestations } = upstream;
  const byKey = new Map<string, string>();
  const packages: [string, string][] = [];
  for (const [id, node] of tree.nodes) {
    byKey.set(node.key, id);
    if (node.kind === 'PACKAGE') packages.push([id, node.key]);
  }
  const bySigner = new Map<string, Map<string, AttestationAbout[]>>();
  for (const [id, list] of attestations) {
    for (const about of list) {
      for (const key of signerKeys(about)) {
        const nodes = bySigner.get(key) ?? new Map<string, AttestationAbout[]>();
        nodes.set(id, [...(nodes.get(id) ?? []), about]);
        bySigner.set(key, nodes);
      }
    }
  }
  const where = (id: string): string => {
    const node = tree.nodes.get(id);
    return tree.reached.get(id)?.depth === 0 || !node ? 'the model' : `upstream ${node.kind.toLowerCase()} ${node.key}`;
  };
  const reasons: Reason[] = [];
  for (const incident of incidents) {
    const base = (id: string) => ({ incident: incident.id, path: pathTo(tree, id) });
    for (const cover of incident.covers) {
      if (cover.kind === 'artifact') {
        const id = byKey.get(cover.digest);
        if (id !== undefined)
          reasons.push(reason('INCIDENT', false, `open incident "${incident.title}" covers ${where(id)}`, base(id)));
      } else if (cover.kind === 'package') {
        for (const [id, purl] of packages) {
          if (!packageMatches(purl, cover)) continue;
          reasons.push(
            reason(
              'INCIDENT',
              false,
              `open incident "${incident.title}" covers ${purl} (${describe(cover)}), upstream`,
              base(id),
            ),
          );
        }
      } else {
        const key = cover.kind === 'identity' ? `identity ${cover.issuer} ${cover.subject}` : `key ${cover.fingerprint}`;
        for (const [id, signed] of bySigner.get(key) ?? []) {
          const first = signed[0] as AttestationAbout;
          reasons.push(
            reason(
              'INCIDENT',
              false,
              `open incident "${incident.title}" covers ${signerText(first.signer)}, who signed attestations about ${where(id)}`,
              { ...base(id), attestations: signed.map((a) => a.digest), signer: first.signer },
            ),
          );
        }
      }
    }
  }
  if (reasons.length === 0) {
    reasons.push(
      reason(
        'INCIDENT',
        true,
        `no open incident (of ${incidents.length}) covers the model or the ${tree.nodes.size - 1} nodes within ${depth} hops upstream`,
      ),
    );
  }
  return reasons;
}

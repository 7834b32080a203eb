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

function signedBy(about: AttestationAbout, cover: Compromised): boolean {
  const s = about.signer;
  if (!s) return false;
  if (cover.kind === 'identity') return s.kind === 'identity' && s.issuer === cover.issuer && s.subject === cover.subject;
  if (cover.kind === 'key')
    return (
      (s.kind === 'key' && s.fingerprint === cover.fingerprint) ||
      (s.kind === 'certificate' && s.keyFingerprint === cover.fingerprint)
    );
  return false;
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

/** One failed INCIDENT reason per (incident, cover, matched node); one passed reason when nothing matched. */
export function incidentReasons(upstream: UpstreamEvidence, incidents: readonly IncidentRecord[], depth: number): Reason[] {
  const { tree, attestations } = upstream;
  const reasons: Reason[] = [];
  for (const incident of incidents) {
    for (const cover of incident.covers) {
      for (const [id, node] of tree.nodes) {
        const where = tree.reached.get(id)?.depth === 0 ? 'the model' : `upstream ${node.kind.toLowerCase()} ${node.key}`;
        const base = { incident: incident.id, path: pathTo(tree, id) };
        if (cover.kind === 'artifact' && node.key === cover.digest) {
          reasons.push(reason('INCIDENT', false, `open incident "${incident.title}" covers ${where}`, base));
        } else if (cover.kind === 'package' && node.kind === 'PACKAGE' && packageMatches(node.key, cover)) {
          reasons.push(
            reason(
              'INCIDENT',
              false,
              `open incident "${incident.title}" covers ${node.key} (${describe(cover)}), ${where === 'the model' ? where : 'upstream'}`,
              base,
            ),
          );
        } else if (cover.kind === 'identity' || cover.kind === 'key') {
          const signed = (attestations.get(id) ?? []).filter((a) => signedBy(a, cover));
          const first = signed[0];
          if (first)
            reasons.push(
              reason(
                'INCIDENT',
                false,
                `open incident "${incident.title}" covers ${signerText(first.signer)}, who signed attestations about ${where}`,
                {
                  ...base,
                  attestations: signed.map((a) => a.digest),
                  signer: first.signer,
                },
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

// The evidence panel: for a node, the attestations about it (verified ones are linked; a rejected document is
// found by its digest through search) and its AI-BOM; for an edge, every attestation asserting it with signer,
// status, reason and timestamps.
import type { App } from './app.ts';
import { append, byId, clear, h, saveFile } from './dom.ts';
import { signerText } from './export.ts';
import { KIND_LABELS, nodeLabel, shortKey, type DrawnEdge } from './graph-model.ts';
import { aiBom, artifact, attestations } from './queries.ts';
import type { Attestation, BomFormat, NodeRef } from './types.ts';

const PREDICATES: Readonly<Record<string, string>> = {
  'https://model_signing/signature/v1.0': 'OMS signature',
  'https://model_signing/Digests/v0.1': 'OMS signature (legacy)',
  'https://slsa.dev/provenance/v1': 'SLSA provenance',
  'https://cyclonedx.org/bom': 'CycloneDX BOM',
  'https://spdx.dev/Document/v3': 'SPDX 3 document',
  'https://in-toto.io/attestation/test-result/v0.1': 'test result',
  'https://spec.c2pa.org/specifications/specifications/2.2': 'Atlas CLI manifest',
};

export const BOM_FORMATS: readonly { readonly format: BomFormat; readonly label: string; readonly suffix: string }[] = [
  { format: 'CYCLONEDX_1_6', label: 'CycloneDX 1.6', suffix: 'cdx-1.6.json' },
  { format: 'CYCLONEDX_1_7', label: 'CycloneDX 1.7', suffix: 'cdx-1.7.json' },
  { format: 'SPDX_3_0_1', label: 'SPDX 3.0.1', suffix: 'spdx-3.0.1.json' },
];

const isDigest = (key: string): boolean => /^[a-z0-9-]+:[0-9a-f]{32,128}$/.test(key);
const ARTIFACT_KINDS = new Set(['MODEL', 'DATASET', 'FILE', 'ARTIFACT']);

export function createEvidenceView(app: App) {
  const body = byId('evidence-body');
  const panel = byId('evidence');
  /** Each render bumps this, so an answer that arrives after the user moved on is dropped. */
  let generation = 0;

  const start = (...children: (Node | string)[]): number => {
    clear(body);
    append(body, ...children);
    return ++generation;
  };

  function facts(rows: readonly [string, Node | string | null][]): HTMLDListElement {
    const list = h('dl', { class: 'facts' });
    for (const [term, value] of rows) if (value !== null && value !== '') append(list, h('dt', {}, term), h('dd', {}, value));
    return list;
  }

  function attestationCard(att: Attestation): HTMLElement {
    const rejected = att.status === 'REJECTED';
    return h(
      'div',
      { class: rejected ? 'card rejected' : 'card', data: { attestation: att.digest, status: att.status } },
      h(
        'h3',
        {},
        `${PREDICATES[att.predicateType ?? ''] ?? att.predicateType ?? 'unknown predicate'} `,
        h('span', { class: `badge ${rejected ? 'rejected' : 'verified'}` }, att.status.toLowerCase()),
      ),
      facts([
        ['digest', h('span', { class: 'mono' }, att.digest)],
        ['predicate', h('span', { class: 'mono' }, att.predicateType ?? '—')],
        ['reason', rejected ? `${att.reasonCode ?? ''}: ${att.reason ?? ''}` : null],
        ['signer', att.signer ? h('span', { class: 'mono' }, signerText(att.signer)) : rejected ? 'not established' : '—'],
        ['method', att.method],
        ['received', att.receivedAt],
        ['verified at', att.verifiedAt],
        ['origin', `${att.origin} (via ${att.collector})`],
      ]),
    );
  }

  function bomButtons(node: NodeRef, into: HTMLElement): void {
    for (const { format, label, suffix } of BOM_FORMATS) {
      append(
        into,
        h(
          'button',
          {
            attrs: { type: 'button' },
            data: { bom: format },
            onClick: () => {
              app.status(`Exporting the AI-BOM (${label})…`);
              aiBom(app.request, node.key, format).then((document) => {
                const base = (node.name ?? node.key).replace(/[^A-Za-z0-9._-]+/g, '_');
                saveFile(`${base}.${suffix}`, `${JSON.stringify(document, null, 2)}\n`, 'application/json');
                app.status(`Downloaded the AI-BOM of ${nodeLabel(node)} as ${label}.`);
              }, app.fail);
            },
          },
          `AI-BOM: ${label}`,
        ),
      );
    }
  }

  async function showNode(node: NodeRef, edges: readonly DrawnEdge[], nodeName: (key: string) => string): Promise<void> {
    const actions = h('div', { class: 'actions' });
    const details = h('div', {}, h('p', { class: 'hint' }, 'Loading…'));
    const mine = start(
      h('h3', {}, h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind]), ' ', nodeLabel(node)),
      facts([['key', h('span', { class: 'mono', data: { key: node.key } }, node.key)]]),
      actions,
      details,
    );
    panel.dataset['selected'] = node.key;
    if (isDigest(node.key)) {
      append(
        actions,
        h('button', { attrs: { type: 'button' }, onClick: () => void app.openLineage(node.key) }, 'Lineage from here'),
      );
      append(
        actions,
        h(
          'button',
          { attrs: { type: 'button' }, onClick: () => void app.openTrace({ artifact: node.key }) },
          'Trace as compromised',
        ),
      );
    } else if (node.kind === 'PACKAGE') {
      append(
        actions,
        h(
          'button',
          { attrs: { type: 'button' }, onClick: () => void app.openTrace({ package: { purl: node.key } }) },
          'Trace this version',
        ),
      );
    }
    if (node.kind === 'MODEL') bomButtons(node, actions);
    const edgeList = h('ul', { class: 'items' });
    for (const edge of edges.filter((e) => e.from === node.key || e.to === node.key)) {
      const other = edge.from === node.key ? `→ ${nodeName(edge.to)}` : `← ${nodeName(edge.from)}`;
      append(
        edgeList,
        h(
          'li',
          {},
          h('button', { attrs: { type: 'button' }, onClick: () => void showEdge(edge, nodeName) }, `${edge.type} ${other}`),
        ),
      );
    }
    const edgeSection = edgeList.childElementCount > 0 ? h('div', {}, h('h3', {}, 'Edges drawn here'), edgeList) : null;
    if (!(ARTIFACT_KINDS.has(node.kind) && isDigest(node.key))) {
      clear(details);
      append(details, edgeSection ?? h('p', { class: 'hint' }, 'No edges drawn here.'));
      return;
    }
    try {
      const found = await artifact(app.request, node.key);
      if (mine !== generation) return;
      clear(details);
      if (!found) {
        append(details, h('p', {}, 'The graph has no artifact with this digest.'));
        return;
      }
      const signed = found.signatureStatus === 'VERIFIED';
      append(
        details,
        facts([
          [
            'signature',
            h('span', { class: `badge ${signed ? 'verified' : 'unsigned'}` }, signed ? 'verified' : 'no verified signature'),
          ],
          [
            'files',
            found.files.length > 0
              ? `${found.files.length} (${found.files
                  .slice(0, 3)
                  .map((f) => f.path)
                  .join(', ')}${found.files.length > 3 ? ', …' : ''})`
              : null,
          ],
        ]),
        h('h3', {}, `Attestations about it (${found.attestations.length})`),
        ...found.attestations.map(attestationCard),
        found.attestations.length === 0 ? h('p', { class: 'hint' }, 'No verified attestation names it as its subject.') : null,
        edgeSection,
      );
    } catch (error) {
      app.fail(error);
    }
  }

  async function showEdge(edge: DrawnEdge, nodeName: (key: string) => string): Promise<void> {
    const list = h('div', {}, h('p', { class: 'hint' }, 'Loading the attestations…'));
    const mine = start(
      h(
        'h3',
        {},
        `${edge.type}${edge.detail ? ` (${edge.detail})` : ''} `,
        h('span', { class: `badge ${edge.verified ? 'verified' : 'unverified'}` }, edge.verified ? 'verified' : 'unverified'),
      ),
      facts([
        ['from', h('span', {}, nodeName(edge.from), ' ', h('span', { class: 'mono' }, shortKey(edge.from)))],
        ['to', h('span', {}, nodeName(edge.to), ' ', h('span', { class: 'mono' }, shortKey(edge.to)))],
      ]),
      h('h3', {}, `Evidence (${edge.evidence.length})`),
      list,
    );
    panel.dataset['selected'] = edge.id;
    try {
      const found = await attestations(
        app.request,
        edge.evidence.map((e) => e.attestation),
      );
      if (mine !== generation) return;
      clear(list);
      for (const evidence of edge.evidence) {
        const att = found.get(evidence.attestation);
        append(list, att ? attestationCard(att) : h('p', { class: 'mono' }, `${evidence.attestation} (not found)`));
      }
      if (edge.evidence.length === 0) append(list, h('p', { class: 'hint' }, 'No attestation asserts this edge.'));
    } catch (error) {
      app.fail(error);
    }
  }

  async function showAttestation(digest: string): Promise<void> {
    const mine = start(h('p', { class: 'hint' }, 'Loading…'));
    panel.dataset['selected'] = digest;
    try {
      const att = (await attestations(app.request, [digest])).get(digest);
      if (mine !== generation) return;
      clear(body);
      if (!att) {
        append(body, h('p', {}, `No attestation ${digest}.`));
        return;
      }
      const subjects = h('ul', { class: 'items' });
      for (const subject of att.subjects)
        append(
          subjects,
          h(
            'li',
            {},
            h(
              'button',
              { attrs: { type: 'button' }, onClick: () => void app.openLineage(subject) },
              `Lineage of ${shortKey(subject)}`,
            ),
          ),
        );
      append(body, attestationCard(att), h('h3', {}, 'Subjects it claims'), subjects);
    } catch (error) {
      app.fail(error);
    }
  }

  return { showNode, showEdge, showAttestation };
}

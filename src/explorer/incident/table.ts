// The affected list, a table page at a time: a page past the rows read so far reads up to it first (from the rows
// the trace state holds, which the export shares).
import type { App } from '../app.ts';
import { byId, clear, h } from '../dom.ts';
import { signerText } from '../export.ts';
import { KIND_LABELS, nodeLabel, shortKey } from '../graph-model.ts';
import type { AffectedNode, NodeRef } from '../types.ts';
import { readUpTo, type TraceState } from './rows.ts';

const TABLE_PAGE = 50;

export interface AffectedTable {
  /** shows table page `index`, reading from the API only what has not been read yet. */
  showPage(index: number): Promise<void>;
  /** shows the page where depth `depth` starts in the nearest-first list. */
  showDepth(depth: number): Promise<void>;
}

export function createAffectedTable(
  app: App,
  current: () => TraceState | null,
  showNode: (node: NodeRef) => void,
): AffectedTable {
  const tableBody = byId('incident-affected').querySelector('tbody') as HTMLTableSectionElement;
  const pageLabel = byId('affected-page');
  const prev = byId<HTMLButtonElement>('affected-prev');
  const next = byId<HTMLButtonElement>('affected-next');
  /** the table page last asked for: an answer for an earlier click is not shown over it. */
  let wanted = 0;

  function affectedRow(item: AffectedNode): HTMLElement {
    const node: NodeRef = item.node;
    return h(
      'tr',
      { data: { key: node.key, depth: String(item.depth) } },
      h('td', {}, item.depth),
      h('td', {}, h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind])),
      h('td', {}, h('button', { attrs: { type: 'button' }, class: 'link', onClick: () => showNode(node) }, nodeLabel(node))),
      h('td', { class: 'mono' }, shortKey(node.key)),
      h('td', {}, h('span', { class: `badge ${item.verified ? 'verified' : 'unverified'}` }, item.verified ? 'yes' : 'no')),
      h('td', { class: 'mono' }, item.signers.map(signerText).join('; ')),
    );
  }

  async function showPage(index: number): Promise<void> {
    const state = current();
    if (!state) return;
    const total = state.trace.summary.total;
    const end = Math.min(total, (index + 1) * TABLE_PAGE);
    wanted = index;
    if (state.known.length < end && !state.complete) {
      // Reaching a deep page reads every row before it, MAX_PAGE a request: say so rather than seem to ignore the click.
      app.status(`Reading affected rows up to ${end.toLocaleString('en')} of ${total.toLocaleString('en')}…`);
      try {
        await readUpTo(
          app,
          state,
          end,
          (missing) => Math.max(TABLE_PAGE, missing),
          (known) => {
            if (current() === state && wanted === index)
              app.status(`Reading affected rows: ${known.toLocaleString('en')} of ${end.toLocaleString('en')}…`);
          },
        );
      } catch (error) {
        app.fail(error);
        return;
      }
      if (current() === state && wanted === index) app.status(`Incident trace: ${total.toLocaleString('en')} affected.`);
    }
    if (current() !== state || wanted !== index) return;
    clear(tableBody);
    for (const item of state.known.slice(index * TABLE_PAGE, end)) tableBody.appendChild(affectedRow(item));
    const pages = Math.max(1, Math.ceil(total / TABLE_PAGE));
    pageLabel.textContent = `page ${index + 1} of ${pages} (${total.toLocaleString('en')} affected)`;
    prev.disabled = index === 0;
    next.disabled = index + 1 >= pages;
  }
  // From the page asked for last, so a second click while the first is still reading moves on from it.
  prev.addEventListener('click', () => void showPage(Math.max(0, wanted - 1)));
  next.addEventListener('click', () => void showPage(wanted + 1));

  return {
    showPage,
    showDepth(depth: number): Promise<void> {
      const byDepth = current()?.trace.summary.byDepth ?? [];
      const first = byDepth.filter((d) => d.depth < depth).reduce((sum, d) => sum + d.count, 0);
      return showPage(Math.floor(first / TABLE_PAGE));
    },
  };
}

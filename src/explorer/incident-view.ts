// The incident view: mark an artifact, package version (range), keyless identity or key as compromised and see
// what it affects: counts by depth and kind, the nearest paths drawn with the affected nodes in red, the whole list
// a page at a time, and an export of all of it (read MAX_PAGE at a time) as CSV or JSON.
import type { App } from './app.ts';
import { append, byId, clear, h, pagedList, saveFile } from './dom.ts';
import { exportBlob, readPages, signerText } from './export.ts';
import { createGraphView, type GraphView } from './graph-view.ts';
import {
  DRAW_CAP,
  KIND_LABELS,
  nodeLabel,
  shortKey,
  tracePlan,
  type Aggregate,
  type DrawPlan,
  type DrawnNode,
} from './graph-model.ts';
import { affectedPage, MAX_PAGE, trace, type TraceOptions } from './queries.ts';
import type { AffectedNode, Compromised, NodeRef, Trace } from './types.ts';

const TABLE_PAGE = 50;

export function createIncidentView(app: App, onAffected: (keys: ReadonlySet<string> | null) => void) {
  const form = byId<HTMLFormElement>('incident-form');
  const kind = byId<HTMLSelectElement>('incident-kind');
  const input = (id: string): HTMLInputElement => byId<HTMLInputElement>(`incident-${id}`);
  const result = byId('incident-result');
  const container = byId('incident-graph');
  const tableBody = byId('incident-affected').querySelector('tbody') as HTMLTableSectionElement;
  const pageLabel = byId('affected-page');
  const prev = byId<HTMLButtonElement>('affected-prev');
  const next = byId<HTMLButtonElement>('affected-next');
  const exportCsv = byId<HTMLButtonElement>('export-csv');
  const exportJson = byId<HTMLButtonElement>('export-json');
  const progress = byId<HTMLProgressElement>('export-progress');
  const exportStatus = byId('export-status');
  let graph: GraphView | null = null;
  let plan: DrawPlan | null = null;
  /**
   * The trace on show and the rows of its affected list read so far, nearest first. The table and the export read
   * from the same rows (neither reads a row twice), one request at a time: two readers continuing from the same
   * cursor would add the same rows twice.
   */
  interface TraceState {
    readonly compromised: Compromised;
    readonly options: TraceOptions;
    readonly trace: Trace;
    readonly known: AffectedNode[];
    /** where the next page starts (the cursor of the last row read). */
    after: string | null;
    /** the API said no row follows the last one read. */
    complete: boolean;
    /** the read in progress, if any; the next one starts when it ends. */
    reading: Promise<void>;
  }
  let current: TraceState | null = null;
  /** the table page last asked for: an answer for an earlier click is not shown over it. */
  let wanted = 0;
  let names = new Map<string, string>();
  const nameOf = (key: string): string => names.get(key) ?? shortKey(key);

  const view = (): GraphView =>
    (graph ??= createGraphView(container, (selection) => {
      if (!plan) return;
      const node = selection.kind === 'node' ? plan.nodes.find((n) => n.id === selection.id) : undefined;
      const edge = selection.kind === 'edge' ? plan.edges.find((e) => e.id === selection.id) : undefined;
      if (node) void app.showNode(node, plan.edges, nameOf);
      if (edge) void app.showEdge(edge, nameOf);
    }));

  function showFields(): void {
    for (const label of form.querySelectorAll<HTMLElement>('label[data-for]')) label.hidden = label.dataset['for'] !== kind.value;
  }
  kind.addEventListener('change', showFields);

  function compromisedFromForm(): Compromised | null {
    const value = (id: string): string => input(id).value.trim();
    switch (kind.value) {
      case 'artifact':
        return value('artifact') ? { artifact: value('artifact') } : null;
      case 'package':
        return value('purl')
          ? { package: { purl: value('purl'), ...(value('range') ? { versionRange: value('range') } : {}) } }
          : null;
      case 'identity':
        return value('issuer') && value('subject') ? { identity: { issuer: value('issuer'), subject: value('subject') } } : null;
      default:
        return value('key') ? { key: value('key').toLowerCase() } : null;
    }
  }

  function fillForm(compromised: Compromised): void {
    if ('artifact' in compromised) {
      kind.value = 'artifact';
      input('artifact').value = compromised.artifact;
    } else if ('package' in compromised) {
      kind.value = 'package';
      input('purl').value = compromised.package.purl;
      input('range').value = compromised.package.versionRange ?? '';
    } else if ('identity' in compromised) {
      kind.value = 'identity';
      input('issuer').value = compromised.identity.issuer;
      input('subject').value = compromised.identity.subject;
    } else {
      kind.value = 'key';
      input('key').value = compromised.key;
    }
    showFields();
  }

  function countTables(data: Trace): void {
    const byDepth = byId('incident-by-depth').querySelector('tbody') as HTMLTableSectionElement;
    const byKind = byId('incident-by-kind').querySelector('tbody') as HTMLTableSectionElement;
    clear(byDepth);
    clear(byKind);
    const most = Math.max(1, ...data.summary.byDepth.map((d) => d.count));
    for (const { depth, count } of data.summary.byDepth) {
      const bar = h('span', { attrs: { style: `width: ${Math.max(2, Math.round((count / most) * 100))}%` } });
      append(
        byDepth,
        h(
          'tr',
          { data: { depth: String(depth), count: String(count) } },
          h('td', {}, depth),
          h('td', {}, count.toLocaleString('en')),
          h('td', { class: 'bar' }, bar),
        ),
      );
    }
    for (const { kind: k, count } of data.summary.byKind)
      append(
        byKind,
        h(
          'tr',
          { data: { kind: k, count: String(count) } },
          h('td', {}, KIND_LABELS[k]),
          h('td', {}, count.toLocaleString('en')),
        ),
      );
  }

  function affectedRow(item: AffectedNode): HTMLElement {
    const node: NodeRef = item.node;
    return h(
      'tr',
      { data: { key: node.key, depth: String(item.depth) } },
      h('td', {}, item.depth),
      h('td', {}, h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind])),
      h(
        'td',
        {},
        h(
          'button',
          { attrs: { type: 'button' }, class: 'link', onClick: () => void app.showNode(node, plan?.edges ?? [], nameOf) },
          nodeLabel(node),
        ),
      ),
      h('td', { class: 'mono' }, shortKey(node.key)),
      h('td', {}, h('span', { class: `badge ${item.verified ? 'verified' : 'unverified'}` }, item.verified ? 'yes' : 'no')),
      h('td', { class: 'mono' }, item.signers.map(signerText).join('; ')),
    );
  }

  /**
   * Reads rows until `count` are known or the list ends, after any read already under way, `size(missing)` rows a
   * request (the API's pages hold at most MAX_PAGE). `onPage` hears of each page read, with the API's current total.
   */
  function readUpTo(
    state: TraceState,
    count: number,
    size: (missing: number) => number,
    onPage: (known: number, total: number) => void = () => undefined,
  ): Promise<void> {
    const read = state.reading.then(async () => {
      await readPages(
        (after) => affectedPage(app.request, state.compromised, state.options, size(count - state.known.length), after),
        state,
        () => state.known.length >= count,
        (more, position) => {
          for (const edge of more.edges) state.known.push(edge.node);
          state.after = position.after;
          state.complete = position.complete;
          onPage(state.known.length, more.totalCount);
        },
      );
    });
    // A failed read is reported by its caller; the next read tries again from where this one stopped.
    state.reading = read.catch(() => undefined);
    return read;
  }

  /** Shows table page `index`, reading from the API only what has not been read yet. */
  async function showPage(index: number): Promise<void> {
    if (!current) return;
    const state = current;
    const total = state.trace.summary.total;
    const end = Math.min(total, (index + 1) * TABLE_PAGE);
    wanted = index;
    if (state.known.length < end && !state.complete) {
      // Reaching a deep page reads every row before it, MAX_PAGE a request: say so rather than seem to ignore the click.
      app.status(`Reading affected rows up to ${end.toLocaleString('en')} of ${total.toLocaleString('en')}…`);
      try {
        await readUpTo(
          state,
          end,
          (missing) => Math.max(TABLE_PAGE, missing),
          (known) => {
            if (current === state && wanted === index)
              app.status(`Reading affected rows: ${known.toLocaleString('en')} of ${end.toLocaleString('en')}…`);
          },
        );
      } catch (error) {
        app.fail(error);
        return;
      }
      if (current === state && wanted === index) app.status(`Incident trace: ${total.toLocaleString('en')} affected.`);
    }
    if (current !== state || wanted !== index) return;
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

  async function run(compromised: Compromised): Promise<void> {
    const options: TraceOptions = {
      maxDepth: Math.min(20, Math.max(1, Math.trunc(Number(input('depth').value) || 10))),
      verifiedOnly: input('verified-only').checked,
    };
    app.status('Tracing…');
    try {
      const data = await trace(app.request, compromised, options, DRAW_CAP, null);
      const known = data.affected.edges.map((e) => e.node);
      current = {
        compromised,
        options,
        trace: data,
        known,
        after: data.affected.pageInfo.endCursor,
        complete: !data.affected.pageInfo.hasNextPage,
        reading: Promise.resolve(),
      };
      result.hidden = false;
      const kinds = data.summary.byKind.map((k) => `${k.count.toLocaleString('en')} ${KIND_LABELS[k.kind]}`).join(', ');
      byId('incident-summary').textContent =
        `${data.summary.total.toLocaleString('en')} affected${kinds ? ` (${kinds})` : ''} by ${data.compromised.map(nodeLabel).join(', ') || 'nothing the graph knows'}, within ${options.maxDepth} hops.`;
      countTables(data);
      plan = tracePlan(data.compromised, known, data.summary);
      names = new Map(plan.nodes.map((n) => [n.key, nodeLabel(n)]));
      view().show(plan);
      container.dataset['highlighted'] = view().keysWith('affected').join(' ');
      byId('incident-note').textContent =
        plan.note ?? `All ${data.summary.total} affected nodes are drawn, with the paths that reach them.`;
      pagedList(byId('incident-nodes'), [...plan.nodes, ...plan.aggregates], (item) =>
        'key' in item ? nodeItem(item) : aggregateItem(item),
      );
      // The whole affected set is known only when it fit on the first page: only then can lineage views mark it.
      onAffected(data.affected.pageInfo.hasNextPage ? null : new Set(known.map((a) => a.node.key)));
      await showPage(0);
      exportStatus.textContent = '';
      app.status(`Incident trace: ${data.summary.total.toLocaleString('en')} affected.`);
    } catch (error) {
      app.fail(error);
    }
  }

  function aggregateItem(aggregate: Aggregate): HTMLElement {
    const button = h(
      'button',
      { attrs: { type: 'button' }, onClick: () => void showPage(Math.floor(firstAt(aggregate.depth) / TABLE_PAGE)) },
      aggregate.label,
    );
    return h('li', { class: 'aggregate', data: { depth: String(aggregate.depth), count: String(aggregate.count) } }, button);
  }

  /** Where depth `depth` starts in the nearest-first list: the counts of the ranks before it. */
  function firstAt(depth: number): number {
    return (current?.trace.summary.byDepth ?? []).filter((d) => d.depth < depth).reduce((sum, d) => sum + d.count, 0);
  }

  function nodeItem(node: DrawnNode): HTMLElement {
    const classes = [node.affected ? 'affected' : '', node.compromised ? 'compromised' : ''].join(' ').trim();
    return h(
      'li',
      { class: classes, data: { key: node.key, kind: node.kind } },
      h(
        'button',
        {
          attrs: { type: 'button' },
          onClick: () => {
            view().select(node.id);
            void app.showNode(node, plan?.edges ?? [], nameOf);
          },
        },
        h('span', { class: `badge ${node.kind.toLowerCase()}` }, KIND_LABELS[node.kind]),
        h('span', {}, nodeLabel(node)),
        node.compromised ? h('span', { class: 'badge rejected' }, 'compromised') : null,
        node.affected ? h('span', { class: 'badge affected' }, 'affected') : null,
      ),
    );
  }

  async function exportAll(format: 'csv' | 'json'): Promise<void> {
    if (!current) return;
    const state = current;
    exportCsv.disabled = exportJson.disabled = true;
    progress.hidden = false;
    progress.max = Math.max(1, state.trace.summary.total);
    progress.value = 0;
    try {
      // Continues from the rows the table has read already, and leaves what it reads for the table.
      await readUpTo(
        state,
        Number.POSITIVE_INFINITY,
        () => MAX_PAGE,
        (done, total) => {
          progress.max = Math.max(1, total);
          progress.value = done;
          exportStatus.textContent = `Read ${done.toLocaleString('en')} of ${total.toLocaleString('en')}…`;
        },
      );
      const rows = state.known.slice();
      exportStatus.textContent = `Writing ${rows.length.toLocaleString('en')} rows as ${format.toUpperCase()}…`;
      const file = await exportBlob(format, state.trace.compromised, rows);
      const base = `incident-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}`;
      saveFile(`${base}.${format}`, file, file.type);
      exportStatus.textContent = `Exported ${rows.length.toLocaleString('en')} affected nodes as ${format.toUpperCase()}.`;
    } catch (error) {
      exportStatus.textContent = 'Export failed.';
      app.fail(error);
    } finally {
      exportCsv.disabled = exportJson.disabled = false;
      progress.hidden = true;
    }
  }
  exportCsv.addEventListener('click', () => void exportAll('csv'));
  exportJson.addEventListener('click', () => void exportAll('json'));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const compromised = compromisedFromForm();
    if (!compromised) {
      app.status('Fill in what is compromised first.', true);
      return;
    }
    void run(compromised);
  });
  showFields();

  return {
    async open(compromised: Compromised): Promise<void> {
      fillForm(compromised);
      await run(compromised);
    },
    shown(): void {
      graph?.fit();
    },
  };
}

// The trace's summary: one sentence, and the counts of affected nodes by depth (with bars) and by kind.
import { append, byId, clear, h } from '../dom.ts';
import { KIND_LABELS, nodeLabel } from '../graph-model.ts';
import type { TraceOptions } from '../queries.ts';
import type { Trace } from '../types.ts';

export function showSummary(data: Trace, options: TraceOptions): void {
  const kinds = data.summary.byKind.map((k) => `${k.count.toLocaleString('en')} ${KIND_LABELS[k.kind]}`).join(', ');
  byId('incident-summary').textContent =
    `${data.summary.total.toLocaleString('en')} affected${kinds ? ` (${kinds})` : ''} by ${data.compromised.map(nodeLabel).join(', ') || 'nothing the graph knows'}, within ${options.maxDepth} hops.`;
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
  for (const { kind, count } of data.summary.byKind)
    append(
      byKind,
      h('tr', { data: { kind, count: String(count) } }, h('td', {}, KIND_LABELS[kind]), h('td', {}, count.toLocaleString('en'))),
    );
}

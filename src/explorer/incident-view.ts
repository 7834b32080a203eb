// The incident view: mark an artifact, package version (range), keyless identity or key as compromised and see
// what it affects. Its parts (incident/): the form, the summary (counts by depth and kind), the drawing with the
// affected nodes in red, the whole list a table page at a time, and an export of all of it as CSV or JSON; the
// table and the export read the affected rows through one trace state (incident/rows.ts); above them the open stored
// incidents and the admitted workloads each affects (incident/stored.ts).
import type { App } from './app.ts';
import { byId } from './dom.ts';
import { DRAW_CAP } from './graph-model.ts';
import { createIncidentExport } from './incident/export.ts';
import { createIncidentForm } from './incident/form.ts';
import { createIncidentGraph } from './incident/graph.ts';
import { traceState, type TraceState } from './incident/rows.ts';
import { createStoredIncidents } from './incident/stored.ts';
import { showSummary } from './incident/summary.ts';
import { createAffectedTable } from './incident/table.ts';
import { trace } from './queries.ts';
import type { Compromised } from './types.ts';

export function createIncidentView(app: App, onAffected: (keys: ReadonlySet<string> | null) => void) {
  const result = byId('incident-result');
  let current: TraceState | null = null;
  const graph = createIncidentGraph(app, (depth) => void table.showDepth(depth));
  const table = createAffectedTable(app, () => current, graph.showNode);
  const exporter = createIncidentExport(app, () => current);
  const form = createIncidentForm(
    (compromised) => void run(compromised),
    () => app.status('Fill in what is compromised first.', true),
  );

  const stored = createStoredIncidents(app, (compromised) => {
    form.fill(compromised);
    void run(compromised);
  });

  async function run(compromised: Compromised): Promise<void> {
    const options = form.options();
    app.status('Tracing…');
    try {
      const data = await trace(app.request, compromised, options, DRAW_CAP, null);
      current = traceState(compromised, options, data);
      const { known } = current;
      result.hidden = false;
      showSummary(data, options);
      graph.draw(data, known);
      // The whole affected set is known only when it fit on the first page: only then can lineage views mark it.
      onAffected(data.affected.pageInfo.hasNextPage ? null : new Set(known.map((a) => a.node.key)));
      await table.showPage(0);
      exporter.reset();
      app.status(`Incident trace: ${data.summary.total.toLocaleString('en')} affected.`);
    } catch (error) {
      app.fail(error);
    }
  }

  return {
    async open(compromised: Compromised): Promise<void> {
      form.fill(compromised);
      await run(compromised);
    },
    shown(): void {
      graph.fit();
      void stored.load();
    },
  };
}

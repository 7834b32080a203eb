// Export of the whole affected list as CSV or JSON: reads the rows not read yet, MAX_PAGE a request, continuing from
// those the table has read and leaving what it reads for the table, with progress, then saves the file.
import type { App } from '../app.ts';
import { byId, saveFile } from '../dom.ts';
import { exportBlob } from '../export.ts';
import { MAX_PAGE } from '../queries.ts';
import { readUpTo, type TraceState } from './rows.ts';

export interface IncidentExport {
  /** clears the last export's message (a new trace is on show). */
  reset(): void;
}

export function createIncidentExport(app: App, current: () => TraceState | null): IncidentExport {
  const exportCsv = byId<HTMLButtonElement>('export-csv');
  const exportJson = byId<HTMLButtonElement>('export-json');
  const progress = byId<HTMLProgressElement>('export-progress');
  const exportStatus = byId('export-status');

  async function exportAll(format: 'csv' | 'json'): Promise<void> {
    const state = current();
    if (!state) return;
    exportCsv.disabled = exportJson.disabled = true;
    progress.hidden = false;
    progress.max = Math.max(1, state.trace.summary.total);
    progress.value = 0;
    try {
      await readUpTo(
        app,
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

  return {
    reset(): void {
      exportStatus.textContent = '';
    },
  };
}

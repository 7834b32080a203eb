// The open stored incidents (docs/DEPLOY-GATE.md, "Incidents") above the trace form: each can be traced (its first
// cover fills the form) or asked which admitted workloads it affects ("Continuous checking").
import type { App } from '../app.ts';
import { append, byId, clear, h } from '../dom.ts';
import { incidentWorkloads, openIncidents, type StoredIncident } from '../queries.ts';
import type { Compromised } from '../types.ts';

type Cover = StoredIncident['covers'][number];

function toCompromised(cover: Cover): Compromised | null {
  if (cover.kind === 'ARTIFACT' && cover.digest) return { artifact: cover.digest };
  if (cover.kind === 'PACKAGE' && cover.purl)
    return { package: { purl: cover.purl, ...(cover.versionRange ? { versionRange: cover.versionRange } : {}) } };
  if (cover.kind === 'IDENTITY' && cover.issuer && cover.subject)
    return { identity: { issuer: cover.issuer, subject: cover.subject } };
  if (cover.kind === 'KEY' && cover.fingerprint) return { key: cover.fingerprint };
  return null;
}

const coverText = (c: Cover): string =>
  c.kind === 'PACKAGE'
    ? `${c.purl ?? ''}${c.versionRange ? ` ${c.versionRange}` : ''}`
    : c.kind === 'IDENTITY'
      ? `${c.subject ?? ''} (${c.issuer ?? ''})`
      : (c.digest ?? c.fingerprint ?? '');

export function createStoredIncidents(app: App, onTrace: (compromised: Compromised) => void) {
  const rows = byId('incident-stored-table').querySelector('tbody') as HTMLTableSectionElement;
  const title = byId('incident-workloads-title');
  const workloads = byId('incident-workloads');
  const workloadRows = workloads.querySelector('tbody') as HTMLTableSectionElement;

  async function showWorkloads(incident: StoredIncident): Promise<void> {
    try {
      const list = await incidentWorkloads(app.request, incident.id);
      clear(workloadRows);
      for (const w of list)
        append(
          workloadRows,
          h(
            'tr',
            {},
            h('td', {}, w.namespace),
            h('td', {}, w.kind),
            h('td', {}, w.name),
            h('td', {}, w.modelDigest),
            h('td', {}, w.admittedAt),
          ),
        );
      title.textContent = `${list.length.toLocaleString('en')} admitted workload(s) run a model "${incident.title}" affects.`;
      title.hidden = false;
      workloads.hidden = list.length === 0;
    } catch (error) {
      app.fail(error);
    }
  }

  return {
    async load(): Promise<void> {
      try {
        const incidents = await openIncidents(app.request);
        clear(rows);
        for (const incident of incidents) {
          const first = incident.covers.map(toCompromised).find((c) => c !== null) ?? null;
          append(
            rows,
            h(
              'tr',
              { data: { incident: incident.id } },
              h('td', {}, incident.openedAt),
              h('td', {}, incident.title),
              h('td', {}, incident.covers.map(coverText).join(', ')),
              h(
                'td',
                {},
                first ? h('button', { attrs: { type: 'button' }, onClick: () => onTrace(first) }, 'Trace') : null,
                h('button', { attrs: { type: 'button' }, onClick: () => void showWorkloads(incident) }, 'Workloads'),
              ),
            ),
          );
        }
        if (incidents.length === 0) append(rows, h('tr', {}, h('td', { attrs: { colspan: '4' } }, 'No open incidents.')));
      } catch (error) {
        app.fail(error);
      }
    },
  };
}

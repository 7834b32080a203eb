// The lineage explorer, in the browser: wires the views together, keeps the token for this tab only
// (sessionStorage: gone when the tab closes, never sent anywhere but this origin's /graphql).
import { createRequest, explainError } from './api.ts';
import type { App, ViewName } from './app.ts';
import { byId } from './dom.ts';
import { createEvidenceView } from './evidence-view.ts';
import { createIncidentView } from './incident-view.ts';
import { createLineageView } from './lineage-view.ts';
import { createSearchView } from './search-view.ts';

const TOKEN_KEY = 'mpg-explorer-token';
const VIEWS: readonly ViewName[] = ['search', 'lineage', 'incident'];

function start(): void {
  const tokenInput = byId<HTMLInputElement>('token');
  const statusLine = byId('status');
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const request = createRequest(new URL('/graphql', window.location.href).href, () => sessionStorage.getItem(TOKEN_KEY));

  const status = (text: string, error = false): void => {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', error);
  };

  let affected: ReadonlySet<string> | null = null;
  const app: App = {
    request,
    status,
    fail(error) {
      status(explainError(error), true);
    },
    show,
    async openLineage(digest) {
      show('lineage');
      await lineage.open(digest);
    },
    async openTrace(compromised) {
      show('incident');
      await incident.open(compromised);
    },
    showNode: (node, edges, nodeName) => evidence.showNode(node, edges, nodeName),
    showEdge: (edge, nodeName) => evidence.showEdge(edge, nodeName),
    showAttestation: (digest) => evidence.showAttestation(digest),
    affectedKeys: () => affected,
  };

  const evidence = createEvidenceView(app);
  const lineage = createLineageView(app);
  const incident = createIncidentView(app, (keys) => {
    affected = keys;
    lineage.highlight(keys ?? new Set());
  });
  createSearchView(app);

  function show(view: ViewName): void {
    for (const name of VIEWS) {
      const tab = byId(`tab-${name}`);
      const selected = name === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      byId(`view-${name}`).hidden = !selected;
    }
    if (view === 'lineage') lineage.shown();
    if (view === 'incident') incident.shown();
  }

  // Tabs follow the WAI-ARIA pattern: arrow keys move between them, Enter or Space (a click) selects.
  for (const [i, name] of VIEWS.entries()) {
    const tab = byId(`tab-${name}`);
    tab.addEventListener('click', () => show(name));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step === 0) return;
      const target = VIEWS[(i + step + VIEWS.length) % VIEWS.length] ?? 'search';
      show(target);
      byId(`tab-${target}`).focus();
    });
  }

  byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    status(token ? 'Token set for this tab.' : 'No token: requests go without one.');
  });
  byId('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenInput.value = '';
    status('Token forgotten.');
  });

  show('search');
  byId<HTMLInputElement>('search-text').focus();
}

start();

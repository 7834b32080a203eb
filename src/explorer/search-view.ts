// The search view: one text box (Enter searches), results a page at a time. A model, dataset or artifact opens
// its lineage; a package or signer opens an incident trace from it; an attestation opens in the evidence panel.
import type { App } from './app.ts';
import { append, byId, clear, h } from './dom.ts';
import { signerText } from './export.ts';
import { KIND_LABELS, nodeLabel, shortKey } from './graph-model.ts';
import { MAX_PAGE, search } from './queries.ts';
import type { Compromised, SearchHit } from './types.ts';

const PAGE = 20;

function signerTrace(hit: SearchHit): Compromised | null {
  const signer = hit.signer;
  if (!signer) return null;
  if (signer.kind === 'IDENTITY' && signer.issuer && signer.subject)
    return { identity: { issuer: signer.issuer, subject: signer.subject } };
  // A certificate's signatures are found through the key it certifies (incidentTrace by key follows CERTIFIES).
  const key = signer.kind === 'CERTIFICATE' ? signer.keyFingerprint : signer.fingerprint;
  return key ? { key } : null;
}

export function createSearchView(app: App) {
  const form = byId<HTMLFormElement>('search-form');
  const text = byId<HTMLInputElement>('search-text');
  const summary = byId('search-summary');
  const results = byId('search-results');
  const more = byId<HTMLButtonElement>('search-more');
  let query = '';
  let cursor: string | null = null;

  function open(hit: SearchHit): void {
    if (hit.node && hit.node.kind === 'PACKAGE') void app.openTrace({ package: { purl: hit.node.key } });
    else if (hit.node) void app.openLineage(hit.node.key);
    else if (hit.attestation) void app.showAttestation(hit.attestation.digest);
    else {
      const compromised = signerTrace(hit);
      if (compromised) void app.openTrace(compromised);
    }
  }

  function item(hit: SearchHit): HTMLElement {
    let badge: HTMLElement;
    let title: string;
    let detail: string;
    if (hit.node) {
      badge = h('span', { class: `badge ${hit.node.kind.toLowerCase()}` }, KIND_LABELS[hit.node.kind]);
      title = nodeLabel(hit.node);
      detail = hit.node.kind === 'PACKAGE' ? 'trace this version' : shortKey(hit.node.key);
    } else if (hit.signer) {
      badge = h('span', { class: 'badge' }, `signer: ${hit.signer.kind.toLowerCase()}`);
      title = signerText(hit.signer);
      detail = `${hit.signed ?? 0} attestation(s) signed · trace`;
    } else {
      const status = hit.attestation?.status ?? 'VERIFIED';
      badge = h(
        'span',
        { class: `badge ${status === 'REJECTED' ? 'rejected' : 'verified'}` },
        `attestation: ${status.toLowerCase()}`,
      );
      title = hit.attestation?.digest ?? '';
      detail = hit.attestation?.predicateType ?? '';
    }
    const key = hit.node?.key ?? hit.attestation?.digest ?? hit.signer?.fingerprint ?? hit.signer?.subject ?? '';
    return h(
      'li',
      { data: { match: hit.match, key } },
      h(
        'button',
        { attrs: { type: 'button' }, onClick: () => open(hit) },
        badge,
        h('span', {}, title),
        h('span', { class: 'mono hint' }, detail),
        h('span', { class: 'hint' }, `(${hit.match.toLowerCase()})`),
      ),
    );
  }

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      cursor = null;
      clear(results);
    }
    app.status(`Searching for “${query}”…`);
    try {
      const page = await search(app.request, query, PAGE, cursor);
      for (const edge of page.edges) append(results, item(edge.node));
      cursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      const shown = results.childElementCount;
      summary.textContent =
        page.totalCount === 0
          ? `Nothing matches “${query}”.`
          : `${page.totalCount}${page.truncated ? '+' : ''} result(s) for “${query}”, showing ${shown}.${page.truncated ? ` Some kinds of match had over ${MAX_PAGE} results: make the text more specific.` : ''}`;
      app.status(summary.textContent);
      if (reset) (results.querySelector('button') as HTMLButtonElement | null)?.focus();
    } catch (error) {
      app.fail(error);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    query = text.value.trim();
    if (query) void load(true);
  });
  more.addEventListener('click', () => void load(false));
  return {};
}

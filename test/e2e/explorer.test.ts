// The lineage explorer in a real browser (Debian's Chromium, headless, driven by playwright-core) against the real
// service, loaded with a freshly salted copy of the signed lineage scenario (test/support/scenario.ts) and guarded by
// tokens: the page works with the read token only. Each step checks the page against the GraphQL API's own answer,
// asked directly, and saves a screenshot to test/artifacts/explorer/.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { validateCycloneDx } from '../../src/bom/index.ts';
import type { RunningService } from '../../src/main.ts';
import { ARTIFACTS, assertIncidentCsv, buildExplorer, downloaded, launchBrowser } from '../support/browser.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { buildScenario, signerFromPem, type Scenario, type ScenarioKeys } from '../support/scenario.ts';
import { startTestService } from '../support/service.ts';
import { spdxSchemaErrors } from '../support/spdx-schema.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/scenario');
const READ = `read-${randomUUID()}`;
const INGEST = `ingest-${randomUUID()}`;

const keys: ScenarioKeys = {
  hub: signerFromPem(readFileSync(path.join(FIXTURES, 'keys/hub.key.pem'), 'utf8')),
  pipeline: signerFromPem(readFileSync(path.join(FIXTURES, 'keys/pipeline.key.pem'), 'utf8')),
  attacker: signerFromPem(readFileSync(path.join(FIXTURES, 'keys/attacker.key.pem'), 'utf8')),
};
const scenario: Scenario = buildScenario(keys, randomUUID());
const digestOf = (id: string): string => {
  const node = scenario.expected.nodes.find((n) => n.id === id);
  assert.ok(node, id);
  return node.value;
};
const documentDigest = (name: string): string => scenario.expected.documents.find((d) => d.name === name)?.digest ?? '';

async function gql(url: string, query: string, variables: Record<string, unknown>, token = READ): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function ingestScenario(url: string): Promise<void> {
  await Promise.all(
    [...scenario.bodies.values()].map(async (body) => {
      const response = await fetch(`${url}/v1/attestations`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${INGEST}` },
      });
      assert.equal(response.status, 202, await response.clone().text());
    }),
  );
  // Seconds when the machine is idle; the limit only keeps a stuck worker from hanging the file.
  const deadline = Date.now() + 180_000;
  for (const doc of scenario.expected.documents) {
    for (;;) {
      const response = await fetch(`${url}/v1/attestations/${doc.digest}`, { headers: { authorization: `Bearer ${READ}` } });
      const state = response.ok ? ((await response.json()) as { state: string }).state : 'QUEUED';
      if (state === doc.state) break;
      assert.ok(!['VERIFIED', 'REJECTED', 'FAILED'].includes(state), `${doc.name}: ${state}, expected ${doc.state}`);
      assert.ok(Date.now() < deadline, `${doc.name} not processed in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

const listKeys = async (page: Page, selector: string): Promise<string[]> =>
  (await page.locator(selector).evaluateAll((items) => items.map((item) => item.getAttribute('data-key') ?? ''))).sort();

describe('lineage explorer in the browser', { timeout: 180_000 }, () => {
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  const foundation = digestOf('model/foundation');
  const chat = digestOf('model/chat');

  before(async () => {
    buildExplorer();
    service = await startTestService({
      TRUST_POLICY_FILE: path.join(FIXTURES, 'trust-policy.json'),
      API_READ_TOKENS: READ,
      API_INGEST_TOKENS: INGEST,
      WORKER_CONCURRENCY: '4',
    });
    await ingestScenario(service.url);
    let context: BrowserContext;
    ({ browser, context } = await launchBrowser());
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await service?.close();
  });

  it('opens at / and says a read token is needed until one is entered', async () => {
    await page.goto(`${service.url}/`);
    assert.equal(new URL(page.url()).pathname, '/explorer/');
    await page.locator('#search-text').fill(foundation.slice('sha256:'.length, 'sha256:'.length + 16));
    await page.keyboard.press('Enter');
    await page.locator('#status.error', { hasText: 'needs a read token' }).waitFor();
    await page.locator('#token').fill(READ);
    await page.locator('#token').press('Enter');
    await page.locator('#status', { hasText: 'Token set' }).waitFor();
  });

  it('search: a digest prefix finds the model; Enter searches, the first result takes the focus', async () => {
    await page.locator('#search-text').focus();
    await page.keyboard.press('Enter');
    const hit = page.locator(`#search-results li[data-key="${foundation}"]`);
    await hit.waitFor();
    assert.equal(await hit.getAttribute('data-match'), 'DIGEST');
    assert.match((await hit.textContent()) ?? '', /acme\/foundation-7b/);
    assert.equal(await page.evaluate('document.activeElement?.closest("li")?.dataset.key'), foundation);
    await shot(page, '1-search');
  });

  it('lineage: Enter on the result draws the same nodes and edges the API returns, unsigned artifacts marked', async () => {
    await page.keyboard.press('Enter');
    await page.locator('#view-lineage').waitFor();
    await page.locator('#lineage-graph[data-nodes]').waitFor();
    const { lineage } = await gql(
      service.url,
      `query ($d: String!) { lineage(digest: $d, direction: BOTH, maxDepth: 3) { nodes { key } edges { type from { key } to { key } } } }`,
      { d: foundation },
    );
    const expected = lineage.nodes.map((n: any) => n.key).sort();
    assert.deepEqual(await listKeys(page, '#lineage-nodes li[data-key]'), expected);
    assert.equal(await page.locator('#lineage-graph').getAttribute('data-nodes'), String(expected.length));
    assert.equal(await page.locator('#lineage-graph').getAttribute('data-edges'), String(lineage.edges.length));
    for (const id of ['model/chat', 'model/coder', 'dataset/web-corpus', 'dataset/web-crawl-raw', 'package/torch'])
      assert.ok(expected.includes(digestOf(id) || id), id);
    // The raw crawl is named by provenance only: no verified signature covers it.
    await page.locator(`#lineage-nodes li[data-key="${digestOf('dataset/web-crawl-raw')}"] .badge.unsigned`).waitFor();
    assert.equal(
      await page.locator(`#lineage-nodes li[data-key="${digestOf('dataset/web-corpus')}"] .badge.unsigned`).count(),
      0,
    );
    await shot(page, '2-lineage');

    // A click on the drawing itself: where cytoscape placed the chat model (its instance hangs on the container).
    const at = (await page.evaluate(
      `(() => { const p = document.getElementById('lineage-graph')._cyreg.cy.getElementById('n:${chat}').renderedPosition(); return { x: p.x, y: p.y }; })()`,
    )) as { x: number; y: number };
    const box = await page.locator('#lineage-graph').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.locator(`#evidence[data-selected="${chat}"]`).waitFor();
    await page.locator('#evidence-body h3', { hasText: 'acme/foundation-7b-chat' }).waitFor();
  });

  it('evidence: an edge opened from the keyboard shows every attestation behind it with signer, status and times', async () => {
    const web = digestOf('dataset/web-corpus');
    const edge = page.locator(`#lineage-edges li[data-type="TRAINED_ON"][data-from="${foundation}"][data-to="${web}"] button`);
    await edge.focus();
    await page.keyboard.press('Enter');
    const cards = page.locator('#evidence-body .card');
    await cards.first().waitFor();
    const shown = (await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-attestation') ?? ''))).sort();
    const asserted = scenario.expected.edges.find(
      (e) => e.type === 'TRAINED_ON' && e.from === 'model/foundation' && e.to === 'dataset/web-corpus',
    )?.assertedBy;
    assert.deepEqual(shown, (asserted ?? []).map(documentDigest).sort());
    const text = (await page.locator('#evidence-body').textContent()) ?? '';
    assert.match(text, /SLSA provenance/);
    assert.match(text, /CycloneDX BOM/);
    assert.match(text, /verified at\d{4}-\d\d-\d\dT/);
    assert.match(text, /key:[0-9a-f]{64}/);
    await shot(page, '3-evidence');
  });

  it('evidence: a rejected document found by its digest shows its reason', async () => {
    const forged = documentDigest('coder.forged.slsa');
    await page.locator('#tab-search').click();
    await page.locator('#search-text').fill(forged.slice(0, 30));
    await page.keyboard.press('Enter');
    await page.locator(`#search-results li[data-key="${forged}"] button`).click();
    const card = page.locator(`#evidence-body .card.rejected[data-attestation="${forged}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /UNTRUSTED_KEY/);
  });

  it('incident: a compromised foundation model highlights exactly the affected set the API returns; CSV and JSON export it', async () => {
    await page.locator('#tab-lineage').click();
    await page.locator(`#lineage-nodes li[data-key="${foundation}"] button`).click();
    await page.locator('#evidence-body button', { hasText: 'Trace as compromised' }).click();
    await page.locator('#incident-graph[data-highlighted]').waitFor();
    const { incidentTrace } = await gql(
      service.url,
      `query ($d: String!) { incidentTrace(compromised: { artifact: $d }, first: 1000) {
        summary { total byDepth { depth count } } affected { pageInfo { hasNextPage } edges { node { node { kind key } } } } } }`,
      { d: foundation },
    );
    assert.equal(incidentTrace.affected.pageInfo.hasNextPage, false);
    const expected = incidentTrace.affected.edges.map((e: any) => e.node.node.key).sort();
    assert.ok(incidentTrace.affected.edges.every((e: any) => ['MODEL', 'DATASET'].includes(e.node.node.kind)));
    assert.deepEqual(expected, [chat, digestOf('model/coder'), digestOf('model/chat-int4')].sort());
    const highlighted = ((await page.locator('#incident-graph').getAttribute('data-highlighted')) ?? '').split(' ').sort();
    assert.deepEqual(highlighted, expected);
    assert.deepEqual(await listKeys(page, '#incident-nodes li.affected'), expected);
    assert.deepEqual(await listKeys(page, '#incident-nodes li.compromised'), [foundation]);
    const byDepth = await page
      .locator('#incident-by-depth tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => ({ depth: Number(row.getAttribute('data-depth')), count: Number(row.getAttribute('data-count')) })),
      );
    assert.deepEqual(byDepth, incidentTrace.summary.byDepth);
    await shot(page, '4-incident');

    const csv = await downloaded(page, () => page.locator('#export-csv').click());
    assertIncidentCsv(csv, expected);
    const json = JSON.parse((await downloaded(page, () => page.locator('#export-json').click())).text);
    assert.equal(json.total, incidentTrace.summary.total);
    assert.deepEqual(json.affected.map((a: any) => a.node.key).sort(), expected);
    await page.locator('#export-status', { hasText: `Exported ${expected.length} affected nodes as JSON` }).waitFor();
  });

  it('AI-BOM: a model from the affected list downloads in every format, each passing its official schema', async () => {
    await page.locator(`#incident-affected tr[data-key="${chat}"] button`).click();
    await page.locator('#evidence-body button[data-bom="CYCLONEDX_1_6"]').waitFor();
    for (const [format, version] of [
      ['CYCLONEDX_1_6', '1.6'],
      ['CYCLONEDX_1_7', '1.7'],
      ['SPDX_3_0_1', null],
    ] as const) {
      const file = await downloaded(page, () => page.locator(`#evidence-body button[data-bom="${format}"]`).click());
      const bom = JSON.parse(file.text);
      assert.ok(file.text.includes(chat.slice('sha256:'.length)), `${format} names the model's digest`);
      if (version) {
        assert.equal(file.name, `acme_foundation-7b-chat.cdx-${version}.json`);
        assert.equal(bom.metadata.component.type, 'machine-learning-model');
        assert.deepEqual(await validateCycloneDx(bom, version), []);
      } else {
        assert.equal(file.name, 'acme_foundation-7b-chat.spdx-3.0.1.json');
        assert.ok(bom['@graph'].some((e: any) => e.type === 'ai_AIPackage'));
        assert.deepEqual(spdxSchemaErrors(bom), []);
      }
    }
    await page.locator('#status', { hasText: 'as SPDX 3.0.1' }).waitFor();
    await shot(page, '5-bom');
  });
});

// The lineage explorer on a blast radius of more than ten thousand models, in a real browser (Debian's Chromium,
// headless, playwright-core) against the real service and Neo4j. The graph (test/support/large-lineage.ts) is written
// straight into Neo4j under fresh digests and deleted again at the end. Every check compares the page with the GraphQL
// API's own answer, asked directly, and the API's answer with what was written. Durations are printed as diagnostics,
// never asserted: speed is measured by the benchmarks, this test shows the page copes (aggregates what cannot be
// drawn, pages the list, exports all of it, refuses a lineage too large to send with guidance instead of hanging).
//
// Over 300 lines: one large graph is written once and every check of the page runs against it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DRAW_CAP, RANK_CAP } from '../../src/explorer/graph-model.ts';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { deleteLargeLineage, planLargeLineage, writeLargeLineage } from '../support/large-lineage.ts';
import { ARTIFACTS, assertIncidentCsv, buildExplorer, downloaded, launchBrowser } from '../support/browser.ts';
import { integrationEnv, startTestService, testConfig } from '../support/service.ts';

const READ = `read-${randomUUID()}`;
const lineage = planLargeLineage(randomUUID());
const foundation = lineage.foundation.digest;
/** The service's default, which the test leaves in place: the lineage check must run into the real limit. */
const LINEAGE_MAX_NODES = testConfig().LINEAGE_MAX_NODES;

interface GqlAnswer {
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gqlRaw(url: string, query: string, variables: Record<string, unknown>): Promise<GqlAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${READ}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GqlAnswer;
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const body = await gqlRaw(url, query, variables);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(2)} s`;

/**
 * The main thread's long tasks (over 50 ms: input waits for them) since the last call: how responsive the page stayed
 * through a step, printed with the step's duration.
 */
async function longTasks(page: Page): Promise<string> {
  const tasks = (await page.evaluate(
    '(() => { const t = window.__longTasks ?? []; window.__longTasks = []; return t; })()',
  )) as number[];
  if (tasks.length === 0) return 'no long task';
  return `${tasks.length} long task(s), longest ${Math.round(Math.max(...tasks))} ms, ${Math.round(tasks.reduce((a, b) => a + b, 0))} ms in all`;
}

/**
 * What the explorer draws for ranks of these sizes (docs/EXPLORER.md, "Large answers"): ranks one by one from the
 * root outwards while each is narrow and all fit the cap; the first that does not, and every one after it, is one
 * count node.
 */
function drawing(byDepth: readonly { depth: number; count: number }[]): {
  used: number;
  narrow: number[];
  wide: { depth: number; count: number }[];
} {
  const narrow: number[] = [];
  let used = 0;
  for (const { depth, count } of byDepth) {
    if (count > RANK_CAP || used + count > DRAW_CAP) break;
    narrow.push(depth);
    used += count;
  }
  return { used, narrow, wide: byDepth.filter((d) => !narrow.includes(d.depth)) };
}

const rowKeys = (page: Page): Promise<string[]> =>
  page.locator('#incident-affected tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key') ?? ''));

describe('lineage explorer on a 10,000-model blast radius', { timeout: 240_000 }, () => {
  let service: RunningService;
  let graph: GraphConnection;
  let browser: Browser;
  let page: Page;
  /** The API's answer for the trace the page runs (the page's default depth), asked directly. */
  let summary: { total: number; byDepth: { depth: number; count: number }[]; byKind: { kind: string; count: number }[] };
  /** Every affected key in the API's order (nearest first), read 1,000 a page. */
  let affected: { key: string; depth: number }[];
  let traceDepth: number;
  /** how long writing the graph took, reported by the first test (a hook's context has no typed diagnostic). */
  let loaded = '';
  /** rows per table page, as the page shows them. */
  let tablePage: number;
  /** where a depth starts in the API's nearest-first list. */
  const startOf = (depth: number): number => affected.findIndex((a) => a.depth === depth);
  const keysOfPage = (index: number): string[] => affected.slice(index * tablePage, (index + 1) * tablePage).map((a) => a.key);

  before(async () => {
    buildExplorer();
    // The service first: it applies the migrations whose identity indexes the load's MATCHes use.
    // The deadline a public service sets (QUERY_TIMEOUT_MS, 10 s) is not what this file tests: on a loaded CI machine
    // the 10,433-model trace and its 10,432-row export may take longer, and they must still be drawn and checked.
    service = await startTestService({ API_READ_TOKENS: READ, QUERY_TIMEOUT_MS: '120000' });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: process.env['NEO4J_DATABASE'] ?? 'neo4j' });
    const started = Date.now();
    await writeLargeLineage(graph, lineage);
    loaded = `Neo4j: wrote ${lineage.descendants.length + 1} models with their attestations in ${seconds(started)}`;
    let context: BrowserContext;
    ({ browser, context } = await launchBrowser());
    // Long tasks are recorded from the first script on, for the diagnostics (longTasks).
    await context.addInitScript(
      'window.__longTasks = []; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: "longtask" });',
    );
    page = await context.newPage();
    // Generous: the page is never expected to take this long, but a loaded 2-core machine must not fail the test.
    page.setDefaultTimeout(60_000);
  });
  after(async () => {
    await browser?.close();
    await service?.close();
    if (graph) {
      const started = Date.now();
      await deleteLargeLineage(graph, lineage);
      // After the last test: no test context is left to report to.
      console.log(`# Neo4j: deleted the test's models and attestations in ${seconds(started)}`);
      await graph.driver.close();
    }
  });

  it('the API traces what was written: every descendant, at its shortest depth', async (t: TestContext) => {
    t.diagnostic(loaded);
    await page.goto(`${service.url}/explorer/`);
    await page.locator('#token').fill(READ);
    await page.locator('#token').press('Enter');
    await page.locator('#status', { hasText: 'Token set' }).waitFor();
    traceDepth = Number(await page.locator('#incident-depth').inputValue());
    const deepest = Math.max(...lineage.descendants.map((m) => m.depth));
    assert.ok(deepest <= traceDepth, `the lineage is ${deepest} deep, the page traces ${traceDepth}`);

    const started = Date.now();
    const first = await gql(
      service.url,
      `query ($d: String!, $depth: Int!) { incidentTrace(compromised: { artifact: $d }, maxDepth: $depth) {
        summary { total byKind { kind count } byDepth { depth count } } } }`,
      { d: foundation, depth: traceDepth },
    );
    summary = first.incidentTrace.summary;
    affected = [];
    for (let after: string | null = null; ;) {
      const data: any = await gql(
        service.url,
        `query ($d: String!, $depth: Int!, $after: String) {
          incidentTrace(compromised: { artifact: $d }, maxDepth: $depth, first: 1000, after: $after) {
            affected { pageInfo { hasNextPage endCursor } edges { node { node { key } depth } } } } }`,
        { d: foundation, depth: traceDepth, after },
      );
      const page = data.incidentTrace.affected;
      for (const edge of page.edges) affected.push({ key: edge.node.node.key, depth: edge.node.depth });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    t.diagnostic(`API: summary and ${affected.length} affected read 1,000 a page in ${seconds(started)}`);

    assert.ok(lineage.descendants.length >= 10_000);
    assert.equal(summary.total, lineage.descendants.length);
    assert.deepEqual(summary.byKind, [{ kind: 'MODEL', count: lineage.descendants.length }]);
    const written = new Map<number, number>();
    for (const m of lineage.descendants) written.set(m.depth, (written.get(m.depth) ?? 0) + 1);
    assert.deepEqual(
      summary.byDepth,
      [...written].sort((a, b) => a[0] - b[0]).map(([depth, count]) => ({ depth, count })),
    );
    assert.equal(affected.length, summary.total);
    assert.deepEqual(
      affected.map((a) => `${a.depth} ${a.key}`).sort(),
      lineage.descendants.map((m) => `${m.depth} ${m.digest}`).sort(),
    );
  });

  it('incident: the foundation marked compromised gives the API counts, drawn as counts per depth past the narrow ranks', async (t: TestContext) => {
    await page.locator('#tab-incident').click();
    await page.locator('#incident-kind').selectOption('artifact');
    await page.locator('#incident-artifact').fill(foundation);
    await longTasks(page);
    const started = Date.now();
    await page.locator('#incident-artifact').press('Enter');
    await page.locator('#status', { hasText: `Incident trace: ${summary.total.toLocaleString('en')} affected.` }).waitFor();
    t.diagnostic(
      `browser: trace of ${summary.total} affected summarised, drawn and first page listed in ${seconds(started)}; ${await longTasks(page)}`,
    );

    assert.match(
      (await page.locator('#incident-summary').textContent()) ?? '',
      new RegExp(`^${summary.total.toLocaleString('en')} affected`),
    );
    const byDepth = await page
      .locator('#incident-by-depth tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => ({ depth: Number(row.getAttribute('data-depth')), count: Number(row.getAttribute('data-count')) })),
      );
    assert.deepEqual(byDepth, summary.byDepth);

    const { used, narrow, wide } = drawing(summary.byDepth);
    assert.ok(wide.length > 0, 'the written lineage has ranks too wide to draw');
    const graphEl = page.locator('#incident-graph');
    const drawn = Number(await graphEl.getAttribute('data-nodes'));
    t.diagnostic(`browser: ${drawn} nodes drawn (${wide.length} of them counts) for ${summary.total} affected`);
    assert.equal(Number(await graphEl.getAttribute('data-aggregates')), wide.length);
    assert.equal(drawn, 1 + used + wide.length);
    assert.ok(drawn <= 1 + DRAW_CAP + summary.byDepth.length);
    const highlighted = ((await graphEl.getAttribute('data-highlighted')) ?? '').split(' ').filter(Boolean).sort();
    assert.deepEqual(
      highlighted,
      affected
        .filter((a) => narrow.includes(a.depth))
        .map((a) => a.key)
        .sort(),
    );
    const counts = await page
      .locator('#incident-nodes li.aggregate')
      .evaluateAll((items) =>
        items.map((item) => ({ depth: Number(item.getAttribute('data-depth')), count: Number(item.getAttribute('data-count')) })),
      );
    assert.deepEqual(counts, wide);
    assert.match((await page.locator('#incident-note').textContent()) ?? '', /drawn as counts per depth/);

    // The pointer off the tabs and the drawing, so the picture shows no hover state.
    await page.mouse.move(1300, 700);
    // The page from its top to the bottom of the drawing: the counts by depth push the drawing below the fold.
    const box = await graphEl.boundingBox();
    assert.ok(box);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'incident-10k.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1440, height: Math.ceil(box.y + box.height + 16) },
    });
    await graphEl.screenshot({ path: path.join(ARTIFACTS, 'incident-10k-graph.png') });
  });

  it('incident: the affected list pages; a count node, even double-clicked, opens its rank once', async (t: TestContext) => {
    const first = await rowKeys(page);
    tablePage = first.length;
    assert.ok(tablePage > 0 && tablePage < summary.total);
    assert.deepEqual(first, keysOfPage(0));
    assert.equal(
      await page.locator('#affected-page').textContent(),
      `page 1 of ${Math.ceil(summary.total / tablePage)} (${summary.total.toLocaleString('en')} affected)`,
    );

    await longTasks(page);
    let started = Date.now();
    await page.locator('#affected-next').click();
    await page.locator('#affected-page', { hasText: 'page 2 of' }).waitFor();
    t.diagnostic(`browser: next table page in ${seconds(started)}; ${await longTasks(page)}`);
    assert.deepEqual(await rowKeys(page), keysOfPage(1));

    // The first rank that starts beyond the rows the trace read with its drawing: the page must read on to it. A
    // double click asks twice while the first read is under way; the rows must still be the API's, once each.
    const beyond = summary.byDepth.find((d) => startOf(d.depth) >= DRAW_CAP) as { depth: number };
    assert.ok(beyond, 'a rank starts beyond the first page');
    const index = Math.floor(startOf(beyond.depth) / tablePage);
    await longTasks(page);
    started = Date.now();
    await page.locator(`#incident-nodes li.aggregate[data-depth="${beyond.depth}"] button`).dblclick();
    await page.locator('#affected-page', { hasText: `page ${index + 1} of` }).waitFor();
    await page.locator('#status', { hasText: `Incident trace: ${summary.total.toLocaleString('en')} affected.` }).waitFor();
    t.diagnostic(`browser: table page ${index + 1} (depth ${beyond.depth}) in ${seconds(started)}; ${await longTasks(page)}`);
    assert.deepEqual(await rowKeys(page), keysOfPage(index));
    assert.equal((await page.locator(`#incident-affected tbody tr[data-depth="${beyond.depth}"]`).count()) > 0, true);
  });

  it('incident: CSV and JSON exports hold exactly the API’s affected set', async (t: TestContext) => {
    const expected = affected.map((a) => a.key).sort();
    await longTasks(page);
    let started = Date.now();
    const csv = await downloaded(page, () => page.locator('#export-csv').click());
    t.diagnostic(
      `browser: CSV export of ${summary.total} in ${seconds(started)} (${(csv.text.length / 1e6).toFixed(1)} MB); ${await longTasks(page)}`,
    );
    assertIncidentCsv(csv, expected);
    await page
      .locator('#export-status', { hasText: `Exported ${summary.total.toLocaleString('en')} affected nodes as CSV` })
      .waitFor();

    await longTasks(page);
    started = Date.now();
    const file = await downloaded(page, () => page.locator('#export-json').click());
    t.diagnostic(
      `browser: JSON export of ${summary.total} in ${seconds(started)} (${(file.text.length / 1e6).toFixed(1)} MB); ${await longTasks(page)}`,
    );
    const json = JSON.parse(file.text);
    assert.equal(json.total, summary.total);
    assert.deepEqual(
      json.compromised.map((n: any) => n.key),
      [foundation],
    );
    assert.deepEqual(json.affected.map((a: any) => a.node.key).sort(), expected);
    // Each row carries its whole path back to the foundation: as many hops as its depth.
    assert.ok(json.affected.every((a: any) => a.path.length === a.depth && a.path.at(-1).to.key === foundation));
    await page
      .locator('#export-status', { hasText: `Exported ${summary.total.toLocaleString('en')} affected nodes as JSON` })
      .waitFor();
  });

  it('incident: the deepest rank’s count node opens the last rows of the list', async (t: TestContext) => {
    const deepest = summary.byDepth.at(-1) as { depth: number };
    const index = Math.floor(startOf(deepest.depth) / tablePage);
    await longTasks(page);
    const started = Date.now();
    await page.locator(`#incident-nodes li.aggregate[data-depth="${deepest.depth}"] button`).click();
    await page.locator('#affected-page', { hasText: `page ${index + 1} of` }).waitFor();
    t.diagnostic(`browser: table page ${index + 1} (depth ${deepest.depth}) in ${seconds(started)}; ${await longTasks(page)}`);
    assert.deepEqual(await rowKeys(page), keysOfPage(index));
    // and on to the last page, whose rows are the end of the API's list
    const pages = Math.ceil(summary.total / tablePage);
    for (let i = index + 1; i < pages; i++) {
      await page.locator('#affected-next').click();
      await page.locator('#affected-page', { hasText: `page ${i + 1} of` }).waitFor();
    }
    assert.deepEqual(await rowKeys(page), keysOfPage(pages - 1));
    assert.equal(await page.locator('#affected-next').isDisabled(), true);
  });

  it('lineage: downstream past LINEAGE_MAX_NODES says to lower the depth and draws nothing; a lower depth draws', async (t: TestContext) => {
    // Within the trace's depth every descendant is downstream: with the foundation, more than the limit.
    assert.ok(summary.total + 1 > LINEAGE_MAX_NODES);
    const tooLarge = await gqlRaw(
      service.url,
      `query ($d: String!, $depth: Int!) { lineage(digest: $d, direction: DOWNSTREAM, maxDepth: $depth) { root { key } } }`,
      { d: foundation, depth: traceDepth },
    );
    assert.equal(tooLarge.errors?.[0]?.extensions?.code, 'RESULT_TOO_LARGE');

    await page.locator('#tab-lineage').click();
    await page.locator('#lineage-digest').fill(foundation);
    await page.locator('#lineage-direction').selectOption('DOWNSTREAM');
    const ask = async (depth: number): Promise<void> => {
      await page.locator('#lineage-depth').fill(String(depth));
      await page.locator('#lineage-depth').press('Enter');
    };
    const refused = async (): Promise<void> => {
      const status = page.locator('#status.error', { hasText: 'Lower the depth or pick one direction' });
      await status.waitFor();
      assert.match(
        (await status.textContent()) ?? '',
        new RegExp(`reaches ${summary.total + 1} nodes .*more than ${LINEAGE_MAX_NODES}`),
      );
      assert.match((await page.locator('#lineage-note').textContent()) ?? '', /^Nothing drawn: .*Lower the depth/);
      assert.equal(await page.locator('#lineage-nodes li').count(), 0);
    };
    await longTasks(page);
    let started = Date.now();
    await ask(traceDepth);
    await refused();
    t.diagnostic(`browser: lineage at depth ${traceDepth} refused in ${seconds(started)}; ${await longTasks(page)}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lineage-too-large.png') });

    // Following the advice: the deepest depth whose downstream fits the limit, drawn with its wide ranks as counts.
    let depth = 0;
    let reach = 1;
    for (const d of summary.byDepth) {
      if (reach + d.count > LINEAGE_MAX_NODES) break;
      reach += d.count;
      depth = d.depth;
    }
    assert.ok(depth >= 1);
    const { lineage: answer } = await gql(
      service.url,
      `query ($d: String!, $depth: Int!) { lineage(digest: $d, direction: DOWNSTREAM, maxDepth: $depth) { nodes { key depth } } }`,
      { d: foundation, depth },
    );
    assert.equal(answer.nodes.length, reach);
    await longTasks(page);
    started = Date.now();
    await ask(depth);
    await page.locator('#status', { hasText: `${reach} nodes.` }).waitFor();
    t.diagnostic(
      `browser: downstream lineage at depth ${depth} (${reach} nodes) drawn in ${seconds(started)}; ${await longTasks(page)}`,
    );
    const counts = new Map<number, number>();
    for (const n of answer.nodes) if (n.depth > 0) counts.set(n.depth, (counts.get(n.depth) ?? 0) + 1);
    const expected = drawing([...counts].sort((a, b) => a[0] - b[0]).map(([d, count]) => ({ depth: d, count })));
    const graphEl = page.locator('#lineage-graph');
    const drawn = Number(await graphEl.getAttribute('data-nodes'));
    t.diagnostic(`browser: ${drawn} lineage nodes drawn for ${reach}`);
    assert.equal(Number(await graphEl.getAttribute('data-aggregates')), expected.wide.length);
    assert.equal(drawn, 1 + expected.used + expected.wide.length);
    await page.mouse.move(1300, 900);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lineage-large.png') });

    // Asked too deep again: the earlier drawing goes, so the page never shows an answer to another question.
    await ask(traceDepth);
    await refused();
    await page.locator('#lineage-graph[data-nodes="0"]').waitFor();
  });
});

// The explorer's stored-incident panel (docs/EXPLORER.md, docs/DEPLOY-GATE.md "Continuous checking") in Chromium:
// an open incident covering a model that an admitted workload runs is listed; "Workloads" shows that workload and
// "Trace" fills the trace form with the incident's cover and traces it. Its own random digest and namespace.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { connectGraph, recordAdmission, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { buildExplorer, launchBrowser } from '../support/browser.ts';
import { integrationEnv, startTestService } from '../support/service.ts';

const salt = randomUUID();
const digest = `sha256:${createHash('sha256').update(salt).digest('hex')}`;
const namespace = `e2e-${salt.slice(0, 8)}`;

describe('explorer: stored incidents and the admitted workloads they affect', () => {
  let service: RunningService;
  let graph: GraphConnection;
  let browser: Browser;
  let page: Page;
  let incident: string;

  before(async () => {
    buildExplorer();
    service = await startTestService();
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    await recordAdmission(graph, {
      namespace,
      kind: 'Deployment',
      name: 'server',
      modelDigest: digest,
      policy: 'p',
      decision: 'allow',
    });
    const response = await fetch(`${service.url}/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `e2e ${salt}`, covers: [{ artifact: digest }] }),
    });
    incident = ((await response.json()) as { incident: { id: string } }).incident.id;
    const launched = await launchBrowser();
    browser = launched.browser;
    page = await launched.context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await fetch(`${service.url}/v1/incidents/${incident}/close`, { method: 'POST', body: '{}' });
    await graph?.driver.executeQuery('MATCH (a:Admission {namespace: $namespace}) DETACH DELETE a', { namespace });
    await graph?.driver.close();
    await service?.close();
  });

  it('lists the open incident, its affected workload, and traces its cover', async () => {
    await page.goto(`${service.url}/explorer/`);
    await page.locator('#tab-incident').click();
    await page.locator('#incident-stored summary').click();
    const row = page.locator(`#incident-stored-table tr[data-incident="${incident}"]`);
    await row.waitFor();
    await row.locator('button', { hasText: 'Workloads' }).click();
    const workload = page.locator('#incident-workloads tbody tr', { hasText: namespace });
    await workload.waitFor();
    assert.deepEqual(
      await workload
        .locator('td')
        .allTextContents()
        .then((cells) => cells.slice(0, 4)),
      [namespace, 'Deployment', 'server', digest],
    );
    await row.locator('button', { hasText: 'Trace' }).click();
    await page.locator('#status', { hasText: 'Incident trace' }).waitFor();
    assert.equal(await page.locator('#incident-artifact').inputValue(), digest);
  });
});

// The explorer's browser tests' shared setup: Debian's Chromium (scripts/chromium.sh installs it; Playwright's own
// browser download needs more internet than this machine has), the explorer built, and a page of the size the
// screenshots are taken at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Screenshots and downloads of a run (git-ignored). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts/explorer');

/** Builds the explorer when its sources changed (cheap otherwise), so a test file also runs on its own. */
export function buildExplorer(): void {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/chromium.sh (npm test does)`);
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/build-web.sh')], { stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
}

/**
 * Headless Chromium with a fresh profile. Background networking, component updates and sync are off: this
 * machine's closed network refuses those connections, many at a time.
 */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, acceptDownloads: true });
  return { browser, context };
}

/** The file a click makes the page download: its suggested name and its text. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

/** An incident CSV export: its header, and exactly `expected` (sorted) as the keys of its rows. */
export function assertIncidentCsv(csv: { name: string; text: string }, expected: readonly string[]): void {
  assert.match(csv.name, /^incident-.*\.csv$/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'depth,kind,key,name,verified,signers,path');
  assert.deepEqual(
    lines
      .slice(1)
      .map((line) => line.split(',')[2])
      .sort(),
    expected,
  );
}

// Starts the real service in-process against the real Neo4j and Redis that `npm test` provides,
// with a queue of its own so tests never see each other's jobs.
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startService, type RunningService } from '../../src/main.ts';
import { policyFor, type Signer } from './attest.ts';

export function integrationEnv(): { NEO4J_URI: string; REDIS_URL: string } {
  const { NEO4J_URI, REDIS_URL } = process.env;
  if (!NEO4J_URI || !REDIS_URL) throw new Error('NEO4J_URI and REDIS_URL must be set: run the suite with `npm test`');
  return { NEO4J_URI, REDIS_URL };
}

export async function writeTrustPolicy(policy: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mpg-policy-'));
  const file = path.join(dir, 'trust-policy.json');
  await writeFile(file, JSON.stringify(policy, null, 2));
  return file;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...integrationEnv(),
    PORT: '0',
    QUEUE_NAME: `test-${randomUUID()}`,
    LOG_LEVEL: 'error',
    ...overrides,
  });
}

export async function startTestService(overrides: Record<string, string> = {}): Promise<RunningService> {
  return startService(testConfig(overrides), createLogger('error'));
}

/** Polls a submission until the worker has recorded it. */
export async function waitForSubmission(
  baseUrl: string,
  id: string,
  timeoutMs = 30_000,
  token?: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(
      `${baseUrl}/v1/attestations/${id}`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    if (response.ok) {
      const body = (await response.json()) as Record<string, unknown>;
      if (body['state'] === 'VERIFIED' || body['state'] === 'REJECTED' || body['state'] === 'FAILED') return body;
    }
    if (Date.now() > deadline) throw new Error(`submission ${id} not processed within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function graphql(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as never;
}

/** A trust-policy file trusting exactly these signers' keys. */
export async function policyFileFor(...signers: Signer[]): Promise<string> {
  return writeTrustPolicy(policyFor(...signers));
}

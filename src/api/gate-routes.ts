// REST routes of the deploy-time gate (docs/DEPLOY-GATE.md): incidents (opening and closing need the ingest role,
// reading them the read role) and decisions (read role). Every change is audited with the caller's token identity.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  affectedWorkloads,
  closeIncident,
  decide,
  getIncident,
  listIncidents,
  openIncident,
  parseDecisionRequest,
} from '../gate/index.ts';
import type { Authorizer } from './auth.ts';
import { readBody } from './body.ts';
import type { ApiContext } from './context.ts';
import { ApiError, quote } from './errors.ts';
import { sendJson } from './reply.ts';
import { guarded, type GuardOptions } from './request-guard.ts';
import { MAX_PAGE } from './resolvers/pagination.ts';

/** Largest incident or decision request body. */
const MAX_GATE_BODY = 256 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request, MAX_GATE_BODY);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('BAD_REQUEST', 'the body is not JSON');
  }
}

function limitOf(url: URL): number {
  return Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), MAX_PAGE);
}

/** Answers a gate route and returns its metrics name, or null when the path is not one of them. */
export async function routeGate(
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
  context: ApiContext,
  auth: Authorizer,
  guard: GuardOptions,
): Promise<string | null> {
  const method = request.method ?? 'GET';
  const actor = (): string => auth.identify(request.headers.authorization);
  if (url.pathname === '/v1/decisions') {
    if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to ask for a decision');
    auth.require(request, 'read');
    const body = parseDecisionRequest(await readJson(request));
    const policies = context.gate.policies();
    sendJson(response, 200, await guarded(guard, () => decide(context.graph, policies, body)));
    return 'decision';
  }
  if (url.pathname === '/v1/incidents') {
    if (method === 'POST') {
      auth.require(request, 'ingest');
      const incident = await openIncident(context.graph, await readJson(request), actor());
      sendJson(response, 201, { incident });
      return 'incident-open';
    }
    if (method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', 'use GET to list incidents, POST to open one');
    auth.require(request, 'read');
    const state = url.searchParams.get('state') ?? 'open';
    if (state !== 'open' && state !== 'closed' && state !== 'all')
      throw new ApiError('BAD_REQUEST', `state must be open, closed or all, not ${quote(state)}`);
    const incidents = await guarded(guard, () =>
      listIncidents(context.graph, { ...(state === 'all' ? {} : { state }), limit: limitOf(url) }),
    );
    sendJson(response, 200, { incidents });
    return 'incident-list';
  }
  const match = /^\/v1\/incidents\/([0-9a-f-]{36})(\/close|\/workloads)?$/.exec(url.pathname);
  if (!match) return null;
  const id = match[1] as string;
  if (match[2] === '/close') {
    if (method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'use POST to close an incident');
    auth.require(request, 'ingest');
    const closed = await closeIncident(context.graph, id, await readJson(request), actor());
    sendJson(response, 200, closed);
    return 'incident-close';
  }
  if (method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', 'use GET to read an incident');
  auth.require(request, 'read');
  if (match[2] === '/workloads') {
    const depth = Math.min(Math.max(Number(url.searchParams.get('maxDepth') ?? 10) || 10, 1), 20);
    sendJson(
      response,
      200,
      await guarded(guard, () => affectedWorkloads(context.graph, id, { maxDepth: depth, limit: limitOf(url) })),
    );
    return 'incident-workloads';
  }
  sendJson(response, 200, await guarded(guard, () => getIncident(context.graph, id)));
  return 'incident';
}

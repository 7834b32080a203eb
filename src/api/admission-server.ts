// The Kubernetes admission webhooks over HTTPS (docs/DEPLOY-GATE.md, "Kubernetes admission"): POST /validate and
// POST /mutate take an admission.k8s.io/v1 AdmissionReview and answer one; GET /healthz for probes. TLS certificate
// and key come from configuration (scripts/admission-certs.sh makes a local CA and serving certificate). A body that
// is not JSON or has no request uid is answered 400 with a JSON error; everything else gets an AdmissionReview, even
// a malformed object (denied, with why).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mutateAdmission, validateAdmission, type AdmissionOptions, type MutationOptions } from '../gate/index.ts';
import { readBody } from './body.ts';
import type { ApiContext } from './context.ts';
import { ApiError, toApiError } from './errors.ts';
import { sendJson } from './reply.ts';

export interface AdmissionServerOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly admission: AdmissionOptions;
  /** the mutating webhook's settings; absent = /mutate answers 404. */
  readonly mutation?: MutationOptions;
  readonly maxBodyBytes: number;
  readonly onInternalError: (error: unknown) => void;
  /** called with each validation outcome, for logs. */
  readonly onReview?: (event: {
    uid: string;
    allowed: boolean;
    kind: string | null;
    name: string | null;
    model: string | null;
  }) => void;
}

async function readReview(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBody(request, maxBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('BAD_REQUEST', 'the body is not JSON: expected an admission.k8s.io/v1 AdmissionReview');
  }
}

export function createAdmissionServer(context: ApiContext, options: AdmissionServerOptions): Server {
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://localhost');
    if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (url.pathname !== '/validate' && !(url.pathname === '/mutate' && options.mutation))
      throw new ApiError('NOT_FOUND', `no route ${url.pathname}: POST /validate${options.mutation ? ' or /mutate' : ''}`);
    if (request.method !== 'POST') throw new ApiError('METHOD_NOT_ALLOWED', 'POST an AdmissionReview');
    const body = await readReview(request, options.maxBodyBytes);
    if (url.pathname === '/mutate' && options.mutation) {
      sendJson(response, 200, await mutateAdmission(body, options.mutation, options.admission));
      return;
    }
    const result = await validateAdmission(context.graph, context.gate.policies, body, options.admission);
    options.onReview?.({
      uid: result.answer.response.uid,
      allowed: result.answer.response.allowed,
      kind: result.workload?.kind ?? null,
      name: result.workload?.name ?? null,
      model: result.decision?.model ?? result.workload?.model ?? null,
    });
    sendJson(response, 200, result.answer);
  }

  return createServer(
    { cert: options.cert, key: options.key, minVersion: 'TLSv1.2', headersTimeout: 5000, requestTimeout: 9000 },
    (request, response) => {
      route(request, response).catch((error: unknown) => {
        const apiError = toApiError(error);
        if (apiError.code === 'INTERNAL') options.onInternalError(error);
        if (!response.headersSent && !response.destroyed)
          sendJson(response, apiError.httpStatus, { error: { code: apiError.code, message: apiError.message } });
        else response.end();
      });
    },
  );
}

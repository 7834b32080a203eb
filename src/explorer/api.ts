// The explorer's only way to the service: POST /graphql on the page's own origin, with the bearer token the
// user entered (when there is one). Errors keep the API's code so the page can say what to do about them.
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export type Request = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

interface GraphqlBody {
  readonly data?: unknown;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

export function createRequest(endpoint: string, token: () => string | null, fetcher: typeof fetch = fetch): Request {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const bearer = token();
    let response: Response;
    try {
      response = await fetcher(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new ApiError('NETWORK', `the service did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
    let body: GraphqlBody;
    try {
      body = (await response.json()) as GraphqlBody;
    } catch {
      throw new ApiError('INTERNAL', `the service answered ${response.status} without a GraphQL body`);
    }
    const first = body.errors?.[0];
    if (first) throw new ApiError(first.extensions?.code ?? 'INTERNAL', first.message);
    if (!response.ok || body.data === undefined || body.data === null)
      throw new ApiError('INTERNAL', `the service answered ${response.status}`);
    return body.data as T;
  };
}

/** What to tell the user about a failed request: the API's message, with what to do when there is something to do. */
export function explainError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED')
    return 'The service needs a read token: enter it above and press Enter.';
  if (error instanceof ApiError && error.code === 'FORBIDDEN') return 'This token may not read.';
  if (error instanceof ApiError && error.code === 'RESULT_TOO_LARGE')
    return `${error.message.replace(/\.?$/, '.')} Lower the depth or pick one direction; incident traces page through any size.`;
  return error instanceof Error ? error.message : String(error);
}

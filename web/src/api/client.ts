// The API client: openapi-fetch typed by the server's OpenAPI document
// (src/api/schema.d.ts, made by `npm run gen`), plus what every call needs:
// the session cookie, the CSRF header on writes, typed errors, and a way
// back to the login page when the session is gone.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError } from './error';

/** Methods that never change anything; every other method carries the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_HEADER = 'X-CSRF-Token';

export interface ApiOptions {
  /** '' in the browser (same origin); an absolute URL in tests. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/** What an openapi-fetch call resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface CallOptions {
  /**
   * Do not report a 401 to onUnauthorized: for the login call (a wrong
   * password is a 401) and for the "who am I" probe at start-up.
   */
  expectUnauthorized?: boolean;
}

export interface Api {
  /** The typed openapi-fetch client. */
  client: Client<paths>;
  /** Resolves to the response body, or throws ApiError. */
  call<T>(request: Promise<FetchResult<T>>, options?: CallOptions): Promise<T>;
  setCsrfToken(token: string | undefined): void;
  csrfToken(): string | undefined;
  /** Called with every 401 not expected by the caller; the app sends the user to the login page. */
  onUnauthorized?: (err: ApiError) => void;
}

export function createApi(options: ApiOptions = {}): Api {
  let csrf: string | undefined;
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    // Resolve fetch at call time so tests and the browser see the current global.
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
  });
  client.use({
    onRequest({ request }) {
      if (!SAFE_METHODS.has(request.method.toUpperCase()) && csrf) {
        request.headers.set(CSRF_HEADER, csrf);
      }
      return request;
    },
  });
  const api: Api = {
    client,
    setCsrfToken(token) {
      csrf = token || undefined;
    },
    csrfToken: () => csrf,
    async call<T>(request: Promise<FetchResult<T>>, callOptions: CallOptions = {}): Promise<T> {
      let result: FetchResult<T>;
      try {
        result = await request;
      } catch (cause) {
        throw ApiError.network(cause);
      }
      const { data, error, response } = result;
      if (response.ok) {
        return data as T;
      }
      const err = ApiError.fromResponse(response, error);
      if (err.status === 401 && !callOptions.expectUnauthorized) {
        api.onUnauthorized?.(err);
      }
      throw err;
    },
  };
  return api;
}

/** The console's one client. */
export const api = createApi();

import type { components } from './schema';

export type ErrorDetail = components['schemas']['ErrorDetail'];
export type ErrorCode = ErrorDetail['code'] | 'network';

/**
 * An error the API returned ({"error":{code,message,field,reason,params,requestId,details}})
 * or a failure to reach it. `message` is the server's English text; the
 * console shows `reason` translated (see i18n/errors.ts). `details` holds
 * every field error of a form with several mistakes, each an ApiError of
 * its own (same status and code) so it is translated the same way; the
 * error itself is the first of them.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly reason?: string;
  readonly field?: string;
  readonly params: Record<string, string>;
  readonly requestId?: string;
  readonly details: ApiError[];

  constructor(
    status: number,
    detail: Omit<Partial<ErrorDetail>, 'code' | 'details'> & { code: ErrorCode; message: string; details?: ApiError[] },
  ) {
    super(detail.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = detail.code;
    this.reason = detail.reason || undefined;
    this.field = detail.field || undefined;
    this.params = detail.params ?? {};
    this.requestId = detail.requestId || undefined;
    this.details = detail.details ?? [];
  }

  /** Builds the error from a failed response and its body (parsed JSON, text, or nothing). */
  static fromResponse(response: Response, body: unknown): ApiError {
    const detail = errorDetail(body);
    const requestId = response.headers.get('X-Request-Id') ?? undefined;
    if (detail) {
      const details = fieldErrors(response.status, detail.code, detail.details, requestId);
      return new ApiError(response.status, { requestId, ...detail, details });
    }
    return new ApiError(response.status, {
      code: codeForStatus(response.status),
      message: `HTTP ${response.status} ${response.statusText}`.trim(),
      requestId,
    });
  }

  static network(cause: unknown): ApiError {
    const message = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, { code: 'network', reason: 'network', message: `cannot reach the server: ${message}` });
  }
}

function errorDetail(body: unknown): ErrorDetail | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) {
    return undefined;
  }
  const e = (body as { error: unknown }).error;
  if (typeof e !== 'object' || e === null) {
    return undefined;
  }
  const d = e as Record<string, unknown>;
  if (typeof d.code !== 'string' || typeof d.message !== 'string') {
    return undefined;
  }
  return {
    code: d.code as ErrorDetail['code'],
    message: d.message,
    field: typeof d.field === 'string' ? d.field : undefined,
    reason: typeof d.reason === 'string' ? d.reason : undefined,
    params: stringParams(d.params),
    requestId: typeof d.requestId === 'string' ? d.requestId : undefined,
    details: Array.isArray(d.details) ? d.details : undefined,
  };
}

function stringParams(raw: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [k, v] of Object.entries(raw)) {
      params[k] = String(v);
    }
  }
  return params;
}

/** The field errors of a response, as errors of their own with the response's status and code. */
function fieldErrors(status: number, code: ErrorDetail['code'], raw: unknown[] | undefined, requestId?: string): ApiError[] {
  const out: ApiError[] = [];
  for (const item of raw ?? []) {
    if (typeof item !== 'object' || item === null) continue;
    const x = item as Record<string, unknown>;
    if (typeof x.message !== 'string') continue;
    out.push(
      new ApiError(status, {
        code,
        message: x.message,
        field: typeof x.field === 'string' ? x.field : undefined,
        reason: typeof x.reason === 'string' ? x.reason : undefined,
        params: stringParams(x.params),
        requestId,
      }),
    );
  }
  return out;
}

function codeForStatus(status: number): ErrorDetail['code'] {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'too_many_requests';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'internal';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

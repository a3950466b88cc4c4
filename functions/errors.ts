/**
 * The one error model. Every failure a client can see is an {@link ApiError} carrying a stable
 * `code` from {@link ERROR_CODES}; the registry fixes each code's HTTP status and default public
 * sentence, so a code always means the same status. The wire shape is
 * `{ "error": "<human sentence>", "code": "<stable_code>" }` (ARCHITECTURE.md §6): Phase clients
 * show `error`, our own clients branch on `code`.
 */

import { CryptoError } from './crypto/errors';

/** Each stable code with its status and the sentence a client sees when no override is given. */
export const ERROR_CODES = {
  invalid_request: { status: 400, message: 'The request is invalid.' },
  unauthenticated: { status: 401, message: 'Authentication credentials were not provided.' },
  invalid_token: { status: 401, message: 'Token expired or deleted' },
  forbidden: { status: 403, message: 'You do not have permission to perform this action.' },
  network_policy_denied: {
    status: 403,
    message: 'Access denied: a network access policy restricts access from your IP address.',
  },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  rate_limited: { status: 429, message: 'Request was throttled.' },
  server_error: { status: 500, message: 'Internal server error.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Why a request failed, for the log only; never sent to the client. */
export interface InternalDetail {
  reason: string;
  detail?: Record<string, unknown>;
}

export interface ApiErrorOptions {
  /** Headers the response must carry, such as `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
  internal?: InternalDetail;
}

/** A failure with a public meaning. Anything thrown that is not an ApiError becomes a 500. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly internal?: InternalDetail;

  constructor(code: ErrorCode, publicMessage?: string, options: ApiErrorOptions = {}) {
    const message = publicMessage ?? ERROR_CODES[code].message;
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.headers = options.headers ?? {};
    this.internal = options.internal;
  }
}

/** The JSON body every error response carries. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

/**
 * Builds the response for an ApiError. `no-store` because an error may describe credentials
 * (RFC 6749 §5.2 asks the same of token errors) and must never be cached by an intermediary.
 */
export function toErrorResponse(error: ApiError, requestId?: string): Response {
  const body: ErrorBody = { error: error.message, code: error.code };
  const headers = new Headers(error.headers);
  headers.set('Content-Type', 'application/json');
  headers.set('Cache-Control', 'no-store');
  if (requestId) headers.set('X-Request-Id', requestId);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/**
 * Runs `open` on something the server stored itself (a KMS envelope, a keyring). A crypto
 * failure there is never the caller's fault: it is corruption or a retired root key, so it must
 * surface as a 500 and an error log line, not as the 400 a malformed request would get.
 */
export function openStored<T>(what: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof CryptoError) {
      throw new Error(`stored ${what} could not be opened: ${error.message}`);
    }
    throw error;
  }
}

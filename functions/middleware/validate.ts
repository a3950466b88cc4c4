/**
 * The one validation wrapper over zod. Routes are declared with `createRoute` (the same schemas
 * feed the OpenAPI document), and every router built by {@link createRouter} sends a failed
 * parse here, so a bad input always answers 400 invalid_request in the common error shape and
 * never reaches a handler.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

const MAX_ISSUES_SHOWN = 5;

/**
 * Turns zod issues into one sentence. A custom issue already is one, worded as Phase words it
 * ("Missing required field: name"), and is shown alone, as Phase reports one error at a time;
 * zod's own issues are listed with the field each concerns.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const custom = issues.find((issue) => issue.code === 'custom');
  if (custom) return custom.message;
  const parts = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${where}: ${issue.message}`;
  });
  const more =
    issues.length > MAX_ISSUES_SHOWN ? ` (and ${issues.length - MAX_ISSUES_SHOWN} more)` : '';
  return `Invalid request: ${parts.join('; ')}${more}.`;
}

/** The hook every router uses: throw on failure, pass through on success. */
export function rejectInvalid(result: { success: boolean; error?: z.ZodError; target: string }) {
  if (result.success || !result.error) return;
  throw new ApiError('invalid_request', describeIssues(result.error.issues), {
    internal: { reason: 'validation_failed', detail: { target: result.target } },
  });
}

/** A router for one resource, wired to the shared validation hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
}

/**
 * Wire schemas shared by several routes. Resource-specific schemas live with their routes.
 */
import { z } from '@hono/zod-openapi';
import { ERROR_CODES, type ErrorCode } from '../errors';

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ example: 'Not found.' }),
    code: z.enum(CODES).openapi({ example: 'not_found' }),
  })
  .openapi('Error');

/** The OpenAPI description of an error response with the common body. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorSchema } } };
}

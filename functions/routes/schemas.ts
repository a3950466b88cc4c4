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

/** The OpenAPI description of a JSON response. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The OpenAPI description of a required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } };
}

/** Refusals every authenticated route can give. */
export const AUTH_ERRORS = {
  401: errorResponse('Missing, invalid or expired token'),
  403: errorResponse('The role does not allow this'),
};

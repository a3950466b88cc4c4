/**
 * Zod fields for Phase's free-text rule (see validation/text.ts), for request schemas. Their
 * failures are custom issues whose message is Phase's sentence, shown verbatim.
 */
import { z } from '@hono/zod-openapi';
import { sanitiseText } from '../validation/text';

function cleaned(field: string, max: number, required: boolean) {
  return (raw: unknown, ctx: z.RefinementCtx): string | undefined => {
    const result = sanitiseText(raw, field, { max, required });
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  };
}

/** A required text field under Phase's rule; failures carry Phase's message verbatim. */
export function requiredText(field: string, max: number) {
  const clean = cleaned(field, max, true);
  return (
    z
      .unknown()
      // `.optional()` lets an absent key reach the transform, which decides if it may be absent.
      .optional()
      .transform((raw, ctx) => clean(raw, ctx) ?? z.NEVER)
      .openapi({ type: 'string', maxLength: max })
  );
}

/** An optional text field under Phase's rule: blank counts as not supplied. */
export function optionalText(field: string, max: number) {
  return z
    .unknown()
    .optional()
    .transform(cleaned(field, max, false))
    .openapi({ type: 'string', maxLength: max });
}

/** A required id field, refused with Phase's "Missing required field" sentence. */
export function requiredId(field: string) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (typeof value === 'string' && value !== '') return value;
      ctx.addIssue({ code: 'custom', message: `Missing required field: ${field}` });
      return z.NEVER;
    })
    .openapi({ type: 'string', format: 'uuid' });
}

/**
 * An optional text field where a blank value means "clear it": `null` or absent leave the field
 * as it is, `""` sets it to `""` (phase-rest.md §7.5, a role's description).
 */
export function clearableText(field: string, max: number) {
  const clean = cleaned(field, max, false);
  return z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === null) return undefined;
      return clean(raw, ctx) ?? '';
    })
    .openapi({ type: 'string', maxLength: max });
}

/**
 * A text field that may be left out (keeping its current or default value) but, when given,
 * must not be blank: `token_name` on create, `name` on update (phase-rest.md §6.3, §6.5).
 */
export function presentText(field: string, max: number, whenAbsent?: string) {
  const clean = cleaned(field, max, true);
  return z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return whenAbsent;
      // On update `null` means "not supplied"; with a default (create) it is an error.
      if (raw === null && whenAbsent === undefined) return undefined;
      return clean(raw, ctx);
    })
    .openapi({ type: 'string', maxLength: max });
}

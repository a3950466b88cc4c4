/**
 * Phase's rule for free-text fields (names, descriptions), phase-rest.md §1.4: null or blank is
 * "missing"; a non-string is refused; HTML tags and control characters other than TAB, LF and CR
 * are removed; whitespace is trimmed; length is checked after cleaning. Messages are Phase's.
 */
// Tags are removed as whole `<...>` runs, which is what keeps a name from carrying markup into
// any page that shows it; a lone `<` is ordinary text.
const TAG = /<[^>]*>/g;
// C0 and C1 controls except TAB (09), LF (0A) and CR (0D).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export type TextResult = { ok: true; value: string | undefined } | { ok: false; message: string };

/** Cleans one text field; `value: undefined` means an optional field was not supplied. */
export function sanitiseText(
  raw: unknown,
  field: string,
  options: { max: number; required: boolean }
): TextResult {
  const missing = (): TextResult =>
    options.required
      ? { ok: false, message: `Missing required field: ${field}` }
      : { ok: true, value: undefined };
  if (raw === null || raw === undefined) return missing();
  if (typeof raw !== 'string') return { ok: false, message: `'${field}' must be a string.` };
  if (raw.trim() === '') return missing();
  const cleaned = raw.replace(TAG, '').replace(CONTROL, '').trim();
  if (cleaned === '') return missing();
  if (cleaned.length > options.max) {
    return { ok: false, message: `'${field}' cannot exceed ${options.max} characters.` };
  }
  return { ok: true, value: cleaned };
}

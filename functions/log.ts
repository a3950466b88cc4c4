/**
 * The one logger: one JSON object per line on stdout, which Workers Logs indexes field by field.
 * Levels are debug < info < warn < error, and the default is warn so a quiet service stays
 * quiet. Fields whose names look secret are replaced before anything is written; the rule is by
 * name, so callers never need to remember to redact, and values are never inspected or echoed.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}

const DEFAULT_LEVEL: LogLevel = 'warn';
const REDACTED = '[redacted]';
// Names that carry credentials or key material anywhere in the product: bearers, wrapped key
// shares, seeds, salts, ciphertexts, signatures. `key_digest`-style names are redacted too; a
// digest in a log line is a lookup handle, which is reason enough.
const SECRET_NAME =
  /pass|secret|token|bearer|authori[sz]ation|cookie|key|share|seed|salt|cipher|signature|private/i;
const MAX_DEPTH = 6;

/** Parses a configured level, falling back to the default for unset or unknown values. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const wanted = value?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted ?? '')
    ? (wanted as LogLevel)
    : DEFAULT_LEVEL;
}

/** Returns a copy of `value` with every secret-looking field replaced by a marker. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    out[name] = SECRET_NAME.test(name) ? REDACTED : redact(field, depth + 1);
  }
  return out;
}

/** Where lines go; swapped in tests to capture output. */
export type LogSink = (line: string) => void;

const consoleSink: LogSink = (line) => console.log(line);

/** Creates a logger writing lines at `level` and above, each carrying `base` fields. */
export function createLogger(
  level: LogLevel = DEFAULT_LEVEL,
  base: LogFields = {},
  sink: LogSink = consoleSink
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const write = (at: LogLevel, message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(at) < threshold) return;
    const record = { time: new Date().toISOString(), level: at, message, ...base, ...fields };
    sink(JSON.stringify(redact(record)));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  };
}

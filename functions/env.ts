/**
 * The Hono environment every route and middleware shares: the Worker's bindings and the
 * per-request variables each middleware contributes (request id, logger, database, caller).
 */
import type { AuthVariables } from './middleware/auth';
import type { DbVariables } from './middleware/db';
import type { RequestContextVariables } from './middleware/request-context';

/** Bindings from wrangler.toml and the Worker secrets it documents. */
export type Bindings = Env;

export type AppEnv = {
  Bindings: Bindings;
  Variables: RequestContextVariables & DbVariables & AuthVariables;
};

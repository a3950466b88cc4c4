/**
 * Path rules that sit beside Hono's router: the four prefixes Phase answers under, and which
 * methods a path would accept (for a 405 that names them).
 */
import { getPath } from 'hono/utils/url';

// Phase strips a leading `/service` and mounts its public API both at the root and under
// `/public`, so `/service/public/v1/x/`, `/public/v1/x/`, `/service/v1/x/` and `/v1/x/` are one
// route. The lookaheads keep `/services/...` or `/publication` from being mistaken for one.
const PHASE_PREFIXES = /^(?:\/service(?=\/|$))?(?:\/public(?=\/|$))?/;

/** The path Hono routes on: the request's path with Phase's prefixes removed. */
export function canonicalPath(request: Request): string {
  return getPath(request).replace(PHASE_PREFIXES, '') || '/';
}

/** Whether the request reads `path`: a GET, or a HEAD, which Hono answers with the GET route. */
export function isReadOf(request: Request, path: string): boolean {
  const reads = request.method === 'GET' || request.method === 'HEAD';
  return reads && canonicalPath(request) === path;
}

interface RouteEntry {
  method: string;
  path: string;
}

const patternCache = new Map<string, RegExp>();

function patternFor(routePath: string): RegExp {
  let pattern = patternCache.get(routePath);
  if (!pattern) {
    const source = routePath
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    pattern = new RegExp(`^${source}$`);
    patternCache.set(routePath, pattern);
  }
  return pattern;
}

/**
 * The methods registered for `path`, ignoring middleware (`ALL`). Empty when nothing matches,
 * which means a 404 rather than a 405.
 */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method !== 'ALL' && patternFor(route.path).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}

/**
 * The API reference: `GET /openapi.json` (OpenAPI 3.1, generated from the same zod schemas that
 * validate requests) and `GET /docs` (the same document rendered as a self-contained HTML page,
 * with no script or stylesheet fetched from elsewhere, so it works offline and under a strict
 * Content-Security-Policy).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import packageJson from '../../package.json';
import type { AppEnv } from '../env';
import { renderReferencePage } from './reference-page';

type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

const DOCUMENT_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Custodian API',
    version: packageJson.version,
    description:
      'Service accounts for a Phase-compatible secrets platform. Every route also answers ' +
      'under the /public, /service and /service/public prefixes.',
  },
};

const getDocument = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['Reference'],
  summary: 'This API as an OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'The document',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

const getPage = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['Reference'],
  summary: 'This API as a browsable page',
  responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } } },
});

/**
 * Adds the reference routes to the root app. Call it after every other mount: the document is
 * built once, on first request, from everything registered by then.
 */
export function mountReference(app: OpenAPIHono<AppEnv>): void {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const build = () => {
    document ??= app.getOpenAPI31Document(DOCUMENT_INFO);
    return document;
  };

  app.openapi(getDocument, (c) => c.json(build(), 200));
  app.openapi(getPage, (c) => {
    page ??= renderReferencePage(build());
    return c.html(page, 200);
  });
}

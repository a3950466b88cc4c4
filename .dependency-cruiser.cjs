/**
 * The layer rules of the architecture, checked on every test run. A rule names the direction a
 * dependency may not take and why; anything not forbidden here is allowed.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'db-is-below-functions',
      comment: 'db/ holds tables and queries; it must not know about the Worker above it.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^functions/' },
    },
    {
      name: 'crypto-is-pure',
      comment:
        'functions/crypto/ may import only @noble/* and its own files, so it can be audited.',
      severity: 'error',
      from: { path: '^functions/crypto/' },
      to: { pathNot: ['^functions/crypto/', '^node_modules/@noble/'] },
    },
    {
      name: 'routes-never-touch-d1',
      comment: 'Routes call domain operations; D1 is reached only through db/queries.',
      severity: 'error',
      from: { path: '^functions/routes/' },
      to: { path: ['^db/schema/', '^node_modules/drizzle-orm/'] },
    },
    {
      name: 'http-stays-at-the-edge',
      comment:
        'Hono belongs to routes, middleware and the app; domain code and storage are HTTP-free.',
      severity: 'error',
      from: {
        path: '^(db|functions)/',
        pathNot: '^functions/(routes|middleware)/|^functions/(app|index|env)\\.ts$',
      },
      to: { path: ['^node_modules/hono/', '^node_modules/@hono/'] },
    },
    {
      name: 'durable-objects-never-import-routes',
      comment: 'Durable Objects sit below the HTTP layer.',
      severity: 'error',
      from: { path: '^functions/durable-objects/' },
      to: { path: ['^functions/routes/', '^functions/middleware/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
  },
};

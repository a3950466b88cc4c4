/**
 * Renders an OpenAPI 3.1 document as one HTML page: operations grouped by tag, each with its
 * parameters, request body schema and responses. Everything is escaped; the document is our own
 * but descriptions may one day carry user-facing text.
 */

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

interface ReferenceDocument {
  info: { title: string; version: string; description?: string };
  // Typed loosely on purpose: a path item also holds non-operation fields (`parameters`, ...).
  paths?: object;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const STYLE = [
  'body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}',
  'h2{border-bottom:1px solid #ccc;margin-top:2.5rem}',
  'section{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}',
  '.m{font:bold 13px monospace;text-transform:uppercase;padding:2px 6px;background:#eee}',
  'code,pre{font-family:ui-monospace,monospace;font-size:13px}',
  'pre{background:#f6f6f6;padding:.5rem;overflow:auto}',
].join('\n');

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const list = (items: string[]) => (items.length > 0 ? `<ul>${items.join('')}</ul>` : '');

function renderParameters(op: Operation): string {
  const items = (op.parameters ?? []).map(
    (p) => `<li>${code(p.name)} (${escapeHtml(p.in)}${p.required ? ', required' : ''})</li>`
  );
  return items.length > 0 ? `<p>Parameters:</p>${list(items)}` : '';
}

function renderBodies(op: Operation): string {
  return Object.entries(op.requestBody?.content ?? {})
    .map(([type, media]) => {
      const schema = escapeHtml(JSON.stringify(media.schema, null, 2));
      return `<p>Body (${escapeHtml(type)}):</p><pre>${schema}</pre>`;
    })
    .join('');
}

function renderOperation(method: string, path: string, op: Operation): string {
  const responses = Object.entries(op.responses ?? {}).map(
    ([status, r]) => `<li>${code(status)} ${escapeHtml(r.description ?? '')}</li>`
  );
  return [
    `<section><h3><span class="m">${method}</span> ${code(path)}</h3>`,
    `<p>${escapeHtml(op.summary ?? '')}</p>`,
    op.description ? `<p>${escapeHtml(op.description)}</p>` : '',
    renderParameters(op),
    renderBodies(op),
    `<p>Responses:</p>${list(responses)}</section>`,
  ].join('\n');
}

function groupByTag(doc: ReferenceDocument): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const items = Object.entries(doc.paths ?? {}) as [string, Partial<Record<string, Operation>>][];
  for (const [path, item] of items) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      groups.set(tag, [...(groups.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  }
  return groups;
}

/** The whole reference page for `doc`. */
export function renderReferencePage(doc: ReferenceDocument): string {
  const sections = [...groupByTag(doc)]
    .map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  const title = `${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>${STYLE}</style></head><body><h1>${title}</h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a></p>
${sections}</body></html>`;
}

/**
 * Renders a report as a fixed-width table for the terminal and as Markdown, and writes
 * bench/results/latest.{json,md}. Only summaries are written (no per-request latencies), so the
 * committed results stay a few kilobytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { KEYRING_FANOUT, type KeyringSummary } from './keyring';
import type { Report, Row } from './report';

const RESULTS_DIR = 'bench/results';

const HEADINGS = [
  'scenario',
  'req/s',
  'p50 ms',
  'p99 ms',
  'p50/floor',
  'errors',
  'D1 trips',
  'rows read',
  'CPU ms/req',
];

function cells(row: Row): string[] {
  const rows = row.d1RowsRead === null ? '-' : String(row.d1RowsRead);
  return [
    row.scenario,
    row.rps.toFixed(1),
    row.p50Ms.toFixed(2),
    row.p99Ms.toFixed(2),
    `${row.p50VsFloor.toFixed(2)}×`,
    `${row.errors}/${row.requests}`,
    row.d1RoundTrips === null ? '-' : row.d1RoundTrips.toFixed(2),
    row.d1RowsSource === 'returned' ? `~${rows}` : rows,
    row.cpuMsPerRequest === null ? '-' : row.cpuMsPerRequest.toFixed(2),
  ];
}

const statuses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([status, n]) => `${n}× ${status}`)
    .join(', ');
const cpu = (ms: number | null) => (ms === null ? '-' : ms.toFixed(0));

/** The three keyring cases of one run; `where` labels the run with D1 made distant. */
function keyringRows(k: KeyringSummary, where = ''): string[][] {
  return [
    [
      `(a) 1 account alone (median)${where}`,
      k.singleMs.toFixed(1),
      '1.00×',
      cpu(k.singleCpuMs),
      '1× 200',
    ],
    [
      `(b) ${KEYRING_FANOUT} accounts at once${where}`,
      k.manyAccountsMs.toFixed(1),
      `${k.manyVsSingle.toFixed(2)}×`,
      cpu(k.manyAccountsCpuMs),
      statuses(k.manyAccountsStatuses),
    ],
    [
      `(c) ${KEYRING_FANOUT} attempts on 1 account${where}`,
      k.oneAccountMs.toFixed(1),
      `${k.oneVsSingle.toFixed(2)}×`,
      cpu(k.oneAccountCpuMs),
      statuses(k.oneAccountStatuses),
    ],
  ];
}

function keyringCells(report: Report): string[][] {
  const distant = report.keyringAtLatency;
  const local = keyringRows(report.keyring);
  return distant ? [...local, ...keyringRows(distant, ` @${distant.latencyMs} ms D1`)] : local;
}

const KEYRING_HEADINGS = ['keyring creation', 'wall ms', 'vs (a)', 'CPU ms', 'statuses'];

function textTable(headings: string[], body: string[][]): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headings), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join(
    '\n'
  );
}

function markdownTable(headings: string[], body: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  const rule = `| ${headings.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  return [line(headings), rule, ...body.map(line)].join('\n');
}

function targetLines(report: Report): string[] {
  return report.targets.map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.measured}`);
}

function errorLines(report: Report): string[] {
  return report.rows
    .filter((r) => r.errors > 0)
    .map((r) => `errors in ${r.scenario}: ${r.errorSamples.join(' | ')}`);
}

function scaleLine(report: Report): string {
  const { small, large, floorChangePct, growSeconds } = report.scale;
  return (
    `Scale: ${small.tokens} tokens / ${small.serviceAccounts} accounts → ` +
    `${large.tokens} tokens / ${large.serviceAccounts} accounts (filler written in ` +
    `${growSeconds} s). Floor beside the hot path: ${small.floorP50Ms} ms → ` +
    `${large.floorP50Ms} ms (${floorChangePct} %).`
  );
}

/** The report as terminal text. */
export function renderText(report: Report): string {
  const s = report.settings;
  return [
    `Custodian benchmark: ${s.clients} clients, ${s.seconds} s per scenario ` +
      `after ${s.warmupSeconds} s warm-up`,
    '',
    textTable(HEADINGS, report.rows.map(cells)),
    '',
    textTable(KEYRING_HEADINGS, keyringCells(report)),
    '',
    scaleLine(report),
    ...errorLines(report),
    '',
    'Targets:',
    ...targetLines(report).map((l) => `  ${l}`),
    '',
    ...report.notes.map((n) => `Note: ${n}`),
  ].join('\n');
}

/** The report as Markdown. */
export function renderMarkdown(report: Report): string {
  const s = report.settings;
  return [
    '# Custodian benchmark: latest run',
    '',
    `${report.generatedAt}: ${s.clients} clients, ${s.seconds} s per scenario after ` +
      `${s.warmupSeconds} s warm-up. Produced by \`npm run bench\`; see bench/README.md.`,
    '',
    markdownTable(HEADINGS, report.rows.map(cells)),
    '',
    markdownTable(KEYRING_HEADINGS, keyringCells(report)),
    '',
    scaleLine(report),
    ...errorLines(report).map((l) => `\n${l}`),
    '',
    '## Targets',
    '',
    ...targetLines(report).map((l) => `- ${l}`),
    '',
    '## Notes',
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

/** Writes latest.json and latest.md; returns their paths. */
export function writeResults(report: Report): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${RESULTS_DIR}/latest.json`;
  const md = `${RESULTS_DIR}/latest.md`;
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  return [json, md];
}

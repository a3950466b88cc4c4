/**
 * `npm run bench`: builds the benchmark Worker, serves it on a loopback port, seeds it, runs
 * every scenario in one process, prints the report and writes bench/results/.
 *
 * Settings (environment): BENCH_SECONDS per scenario (default 5), BENCH_WARMUP_SECONDS
 * (default 1), BENCH_CLIENTS (default 16), BENCH_D1_LATENCY_MS for the keyring cases' second
 * run (default 5; 0 skips it).
 */
import { renderText, writeResults } from './format';
import { startHarness } from './harness';
import type { LoadOptions } from './load';
import { buildReport } from './report';
import { type BenchResults, keyringsAtLatency, progress, runAll } from './scenarios';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

async function main() {
  const options: LoadOptions = {
    clients: numberFromEnv('BENCH_CLIENTS', 16),
    seconds: numberFromEnv('BENCH_SECONDS', 5),
    warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 1),
  };
  const latencyMs = numberFromEnv('BENCH_D1_LATENCY_MS', 5);
  const started = performance.now();
  progress('building bench/worker.ts and starting it');
  const harness = await startHarness();
  let results: BenchResults;
  try {
    results = await runAll(harness, options);
  } finally {
    await harness.stop();
  }
  // One Worker at a time: the second would compete with the first for the same two cores.
  if (latencyMs > 0) results.keyringAtLatency = await keyringsAtLatency(latencyMs);
  const report = buildReport(results);
  console.log(renderText(report));
  const written = writeResults(report);
  progress(`wrote ${written.join(' and ')}`);
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();

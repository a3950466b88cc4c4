/**
 * The load generator: a fixed number of clients, each sending its next request as soon as the
 * last one answered, for a fixed time after a short warm-up. Every request's latency is kept, so
 * percentiles are exact, and every non-2xx answer is counted as an error and sampled for the
 * report rather than folded into the throughput.
 */
import type { CpuProbe } from './cpu';
import { BENCH_HEADERS } from './instrument';

/** One request to send; `seq` is unique within a run (for unique names). */
export type RequestFactory = (seq: number) => { path: string; init: RequestInit };

/** How hard and how long to push. */
export interface LoadOptions {
  clients: number;
  seconds: number;
  warmupSeconds: number;
}

/** Per-request D1 figures, averaged over successful requests. */
export interface D1Means {
  roundTrips: number;
  /** How many requests made each number of round trips, e.g. `{"2": 9000, "3": 1}`. */
  roundTripCounts: Record<string, number>;
  rowsRead: number;
  /** `meta` when rows read is D1's own `rows_read`, `returned` for the fallback. */
  rowsSource: string;
  /** Requests whose API-level count differed from the requests seen on the wire. */
  wireMismatches: number;
}

/** What one scenario measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** workerd CPU time per answered request, when the CPU probe is available. */
  cpuMsPerRequest: number | null;
  d1: D1Means | null;
}

interface Sample {
  /** Next sequence number to hand the request factory. */
  seq: number;
  /** Seconds of load this sample has seen. */
  elapsed: number;
  /** workerd CPU ms spent meanwhile, or null without a probe. */
  cpuMs: number | null;
  /** One per answered request, 2xx or not. */
  latencies: number[];
  /** Non-2xx answers and requests that got no answer. */
  errors: number;
  unanswered: number;
  errorSamples: string[];
  roundTrips: number;
  roundTripCounts: Record<string, number>;
  rowsRead: number;
  counted: number;
  rowsSource: string;
  wireMismatches: number;
}

const MAX_ERROR_SAMPLES = 3;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function noteError(sample: Sample, text: string) {
  sample.errors += 1;
  if (sample.errorSamples.length < MAX_ERROR_SAMPLES) sample.errorSamples.push(text);
}

function noteD1(sample: Sample, headers: Headers) {
  const trips = headers.get(BENCH_HEADERS.roundTrips);
  if (trips === null) return;
  sample.roundTrips += Number(trips);
  sample.roundTripCounts[trips] = (sample.roundTripCounts[trips] ?? 0) + 1;
  sample.rowsRead += Number(headers.get(BENCH_HEADERS.rowsRead));
  sample.rowsSource = headers.get(BENCH_HEADERS.rowsSource) ?? sample.rowsSource;
  sample.counted += 1;
  // A cross-check of the two counting layers (see instrument.ts), when both are active.
  const wire = headers.get(BENCH_HEADERS.wireTrips);
  if (wire !== null && wire !== trips) sample.wireMismatches += 1;
}

// One request in this many asks the Worker to count its D1 work (see countD1): enough for exact
// means, while the counting's own cost stays out of nearly every timing.
export const COUNT_EVERY = 10;

/** Sends one request and records it; the body is always read so the connection is reused. */
async function once(origin: string, make: RequestFactory, seq: number, sample: Sample) {
  const { path, init } = make(seq);
  const headers = new Headers(init.headers);
  if (seq % COUNT_EVERY === 0) headers.set(BENCH_HEADERS.count, '1');
  const started = performance.now();
  try {
    const res = await fetch(`${origin}${path}`, { ...init, headers });
    const body = await res.text();
    sample.latencies.push(performance.now() - started);
    if (res.status < 200 || res.status > 299) {
      noteError(sample, `${res.status} ${body.slice(0, 160)}`);
      return;
    }
    noteD1(sample, res.headers);
  } catch (error) {
    sample.unanswered += 1;
    noteError(sample, `network: ${(error as Error).message}`);
  }
}

function emptySample(seqStart = 0): Sample {
  return {
    seq: seqStart,
    elapsed: 0,
    cpuMs: null,
    latencies: [],
    errors: 0,
    unanswered: 0,
    errorSamples: [],
    roundTrips: 0,
    roundTripCounts: {},
    rowsRead: 0,
    counted: 0,
    rowsSource: '',
    wireMismatches: 0,
  };
}

/** Runs `clients` loops against `make` for `seconds`, adding to `sample`. */
async function drive(
  origin: string,
  make: RequestFactory,
  clients: number,
  seconds: number,
  sample: Sample,
  cpu?: CpuProbe | null
) {
  const cpuBefore = cpu?.();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) await once(origin, make, sample.seq++, sample);
  };
  await Promise.all(Array.from({ length: clients }, client));
  sample.elapsed += (performance.now() - started) / 1000;
  if (cpu && cpuBefore !== undefined) sample.cpuMs = (sample.cpuMs ?? 0) + cpu() - cpuBefore;
}

function summarise(sample: Sample): LoadResult {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  return {
    requests: sample.latencies.length + sample.unanswered,
    errors: sample.errors,
    errorSamples: sample.errorSamples,
    seconds: sample.elapsed,
    rps: sample.latencies.length / sample.elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuMsPerRequest:
      sample.cpuMs === null || sample.latencies.length === 0
        ? null
        : sample.cpuMs / sample.latencies.length,
    d1:
      sample.counted === 0
        ? null
        : {
            roundTrips: sample.roundTrips / sample.counted,
            roundTripCounts: sample.roundTripCounts,
            rowsRead: sample.rowsRead / sample.counted,
            rowsSource: sample.rowsSource,
            wireMismatches: sample.wireMismatches,
          },
  };
}

// Warm-up requests get negative sequence numbers, so names stay unique across both phases.
const WARMUP_SEQ = -1_000_000_000;
// Length of one slice when several scenarios share the clock.
const SLICE_SECONDS = 1;

/**
 * Measures several scenarios side by side: after a warm-up of each, the clock is cut into
 * slices of about a second, and the scenarios take turns, so a burst of background load on a
 * shared machine lands on all of them rather than on whichever happened to be running.
 * Each scenario still gets `seconds` of measured load in total.
 */
export async function runSideBySide(
  origin: string,
  makes: RequestFactory[],
  options: LoadOptions,
  cpu?: CpuProbe | null
): Promise<LoadResult[]> {
  if (options.warmupSeconds > 0) {
    for (const make of makes) {
      const warm = emptySample(WARMUP_SEQ);
      await drive(origin, make, options.clients, options.warmupSeconds, warm);
    }
  }
  const samples = makes.map(() => emptySample());
  // One scenario alone has nothing to take turns with: one slice, no gaps between them.
  const slices = makes.length < 2 ? 1 : Math.max(1, Math.round(options.seconds / SLICE_SECONDS));
  for (let slice = 0; slice < slices; slice++) {
    for (const [i, make] of makes.entries()) {
      const sample = samples[i] as Sample;
      await drive(origin, make, options.clients, options.seconds / slices, sample, cpu);
    }
  }
  return samples.map(summarise);
}

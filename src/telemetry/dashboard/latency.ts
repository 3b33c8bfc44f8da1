/**
 * Latency histograms with fixed, log-scale bins, the same in every worker: a histogram merged over
 * workers (or over time) is the sum of the parts, so a percentile of the merged histogram is the
 * percentile of all the samples together, to within one bin. Averaging each worker's percentile
 * would not be.
 *
 * Bin 0 holds latencies under {@link LATENCY_MIN_MS}; bin i (1 ≤ i < last) holds
 * [MIN·2^((i-1)/4), MIN·2^(i/4)); the last bin holds everything from about 105 s up. Four bins per
 * doubling keep a percentile within 19% of the exact one (the width of a bin) in 82 counters.
 */

export const LATENCY_MIN_MS = 0.1;
const BINS_PER_DOUBLING = 4;
const DOUBLINGS = 20;
export const LATENCY_BIN_COUNT = DOUBLINGS * BINS_PER_DOUBLING + 2;

/** The bin of a latency in milliseconds (NaN and negatives go to bin 0). */
export function latencyBin(ms: number): number {
  if (!(ms >= LATENCY_MIN_MS)) return 0;
  const bin = Math.floor(Math.log2(ms / LATENCY_MIN_MS) * BINS_PER_DOUBLING) + 1;
  return Math.min(bin, LATENCY_BIN_COUNT - 1);
}

/** The bounds of bin `bin` in milliseconds; the last bin's upper bound is its lower one. */
export function latencyBinBounds(bin: number): { lower: number; upper: number } {
  if (bin <= 0) return { lower: 0, upper: LATENCY_MIN_MS };
  const lower = LATENCY_MIN_MS * 2 ** ((bin - 1) / BINS_PER_DOUBLING);
  if (bin >= LATENCY_BIN_COUNT - 1) return { lower, upper: lower };
  return { lower, upper: LATENCY_MIN_MS * 2 ** (bin / BINS_PER_DOUBLING) };
}

export function emptyHistogram(): Uint32Array {
  return new Uint32Array(LATENCY_BIN_COUNT);
}

/**
 * The `q` quantile (0 < q ≤ 1) of a histogram, by nearest rank, interpolated inside its bin on the
 * log scale; undefined for an empty histogram.
 */
export function latencyPercentile(counts: ArrayLike<number>, q: number): number | undefined {
  let total = 0;
  for (let bin = 0; bin < counts.length; bin++) total += counts[bin] ?? 0;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let below = 0;
  for (let bin = 0; bin < counts.length; bin++) {
    const inBin = counts[bin] ?? 0;
    if (inBin === 0 || below + inBin < rank) {
      below += inBin;
      continue;
    }
    const { lower, upper } = latencyBinBounds(bin);
    // Where the rank falls among the bin's samples, assumed spread evenly over it.
    const share = (rank - below - 0.5) / inBin;
    if (bin === 0) return upper * share;
    return lower * (upper / lower) ** share;
  }
  return latencyBinBounds(counts.length - 1).lower;
}

/**
 * A histogram as `[bin, count, bin, count, …]` for its non-empty bins: what travels between workers
 * and is kept for merging. Most histograms of a few seconds' traffic fill a handful of bins.
 */
export type SparseHistogram = number[];

export function toSparse(counts: ArrayLike<number>): SparseHistogram {
  const sparse: number[] = [];
  for (let bin = 0; bin < counts.length; bin++) {
    const count = counts[bin] ?? 0;
    if (count > 0) sparse.push(bin, count);
  }
  return sparse;
}

/** Adds a sparse histogram into dense counts; bins out of range or counts that are not counts are skipped. */
export function addSparse(into: Float64Array | Uint32Array, sparse: readonly unknown[]): void {
  for (let at = 0; at + 1 < sparse.length; at += 2) {
    const bin = sparse[at];
    const count = sparse[at + 1];
    if (!Number.isInteger(bin) || typeof count !== 'number' || !(count > 0)) continue;
    if ((bin as number) < 0 || (bin as number) >= into.length) continue;
    into[bin as number] = (into[bin as number] ?? 0) + count;
  }
}

/** Adds dense counts into dense counts. */
export function addDense(into: Float64Array | Uint32Array, counts: ArrayLike<number>): void {
  for (let bin = 0; bin < into.length; bin++) into[bin] = (into[bin] ?? 0) + (counts[bin] ?? 0);
}

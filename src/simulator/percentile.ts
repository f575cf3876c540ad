/** Nearest-rank percentile (p in 0..1) of an ascending-sorted list; 0 for an empty list. */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)))
  return sorted[rank - 1] as number
}

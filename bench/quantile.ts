/** The nearest-rank `q` quantile of ascending `sorted` values; null when there are none. */
export function quantileOf (sorted: readonly number[], q: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
}

/**
 * AgentClara's published retry schedule: attempt 1 immediately, attempt 2 five seconds later,
 * attempt 3 five minutes later, attempt 4 thirty minutes later, then it gives up.
 * Each delay is counted from the previous failed attempt.
 */
export const vendorRetryDelaysMs: readonly number[] = [0, 5_000, 5 * 60_000, 30 * 60_000]

export const vendorMaxAttempts = vendorRetryDelaysMs.length

/**
 * Wait before `attempt` (1-based), compressed by `scale` (0.01 turns 30 min into 18 s);
 * undefined once the schedule is exhausted.
 */
export function retryDelayMs (attempt: number, scale = 1, delays: readonly number[] = vendorRetryDelaysMs): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`)
  if (!(scale >= 0)) throw new RangeError(`scale must be >= 0, got ${scale}`)
  const delay = delays[attempt - 1]
  return delay === undefined ? undefined : Math.round(delay * scale)
}

/** When each attempt starts, relative to the first, if every attempt before it failed instantly. */
export function retryOffsetsMs (scale = 1, delays: readonly number[] = vendorRetryDelaysMs): number[] {
  let total = 0
  return delays.map((_, index) => (total += retryDelayMs(index + 1, scale, delays) as number))
}

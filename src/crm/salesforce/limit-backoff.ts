/**
 * Salesforce's REQUEST_LIMIT_EXCEEDED carries no Retry-After. Pausing a fixed minute turns a
 * brief spike into minutes of idling, while hammering a spent daily limit is pointless:
 * pause 1 s, then double on every further refusal up to `maxMs`, and start over on success.
 */
export function createLimitBackoff (options: { initialMs?: number, maxMs: number }) {
  const initialMs = options.initialMs ?? 1000
  let next = initialMs
  return {
    nextPauseMs (): number {
      const pause = next
      next = Math.min(options.maxMs, next * 2)
      return pause
    },
    reset (): void {
      next = initialMs
    }
  }
}

/**
 * Runs `tick` every `everyMs`, one run at a time (a slow run delays the next, never overlaps
 * it); a run's error goes to `onError` and the loop goes on. `stop` waits for a run in flight.
 */
export function startSerialLoop (everyMs: number, tick: () => Promise<void>, onError: (error: unknown) => void): { stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(tick).catch(onError)
  }, everyMs)
  return {
    async stop () {
      clearInterval(timer)
      await running
    }
  }
}

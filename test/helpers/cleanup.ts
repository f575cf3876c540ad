/**
 * What a harness opened, to close in reverse order: by its `close()`, or at once when
 * starting fails halfway (so a failed `before` leaves no pool, worker or database behind
 * to keep the test process alive).
 */
export function createCleanup () {
  const steps: Array<() => unknown> = []
  let closing: Promise<void> | undefined
  return {
    /** Registers `step` to run before everything registered earlier. */
    defer (step: () => unknown): void {
      steps.push(step)
    },
    /** Runs every step once, last registered first; the first failure is rethrown at the end. */
    close (): Promise<void> {
      closing ??= (async () => {
        let failure: unknown
        for (const step of steps.reverse()) {
          try { await step() } catch (error) { failure ??= error }
        }
        if (failure !== undefined) throw failure
      })()
      return closing
    },
    /** Runs `start`; if it throws, closes what was opened so far and rethrows. */
    async guard<T> (start: () => Promise<T>): Promise<T> {
      try {
        return await start()
      } catch (error) {
        await this.close().catch(() => {})
        throw error
      }
    }
  }
}

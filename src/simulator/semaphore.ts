/** Caps how many requests are in flight at once (`--concurrency`). */
export interface Semaphore {
  acquire (): Promise<void>
  release (): void
  readonly active: number
}

export function createSemaphore (limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`)
  let active = 0
  const waiting: Array<() => void> = []
  return {
    get active () { return active },
    acquire () {
      if (active < limit) {
        active++
        return Promise.resolve()
      }
      return new Promise((resolve) => waiting.push(resolve))
    },
    release () {
      const next = waiting.shift()
      if (next) next() // the permit passes straight to the next waiter
      else active--
    }
  }
}

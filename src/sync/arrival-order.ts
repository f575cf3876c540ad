/**
 * Runs callers one after another in the order they arrived (a rate limiter's waiting line),
 * and counts those still in line or running: the limiters report them as part of their usage.
 */
export function createArrivalOrder () {
  let waiting = 0
  let queue = Promise.resolve()
  return {
    run<T> (turn: () => Promise<T>): Promise<T> {
      waiting += 1
      const result = queue.then(turn).finally(() => { waiting -= 1 })
      queue = result.then(() => {}, () => {})
      return result
    },
    waiting: () => waiting
  }
}

/**
 * Polls `probe` until `done` holds or the deadline passes (then throws with the last value).
 * Yields to the event loop between probes; no fixed sleeps.
 */
export async function until<T> (probe: () => T | Promise<T>, done: (value: T) => boolean, options: { timeoutMs?: number, what?: string } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) {
      throw new Error(`${options.what ?? 'condition'} not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

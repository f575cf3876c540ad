/** A mistake in how the simulator was invoked: print the message (and exit 2), no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError'
}

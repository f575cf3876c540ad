/** What one connector call shares with every HTTP request it makes (read by the transport). */
export interface CallState {
  signal: AbortSignal | undefined
  /** Status and headers of the latest response in this call; cleared when a request starts. */
  lastStatus: number | undefined
  lastHeaders: Record<string, string> | undefined
}

export const newCallState = (signal?: AbortSignal): CallState =>
  ({ signal, lastStatus: undefined, lastHeaders: undefined })

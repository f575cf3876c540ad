/** The last hour as 60 one-minute buckets (epoch ms of each minute's start), oldest first. */
export function lastHourMinutes (now: number): number[] {
  const current = Math.floor(now / 60_000) * 60_000
  return Array.from({ length: 60 }, (_, index) => current - (59 - index) * 60_000)
}

/**
 * One series per name over every minute: rows give the value of some minutes; the others
 * are 0 (counts), the last known value (`carry`: levels such as queue depth) or gaps.
 */
export function perMinute (minutes: number[], rows: Array<{ name: string, minute: Date, value: number }>, options: { names?: string[], fill?: 'zero' | 'carry' | 'gap' } = {}) {
  const names = [...new Set([...(options.names ?? []), ...rows.map((row) => row.name)])]
  return names.map((name) => {
    const byMinute = new Map(rows.filter((row) => row.name === name).map((row) => [row.minute.getTime(), row.value]))
    let last = 0
    return {
      name,
      points: minutes.map((t) => {
        const value = byMinute.get(t)
        if (value !== undefined) last = value
        const fill = options.fill === 'carry' ? last : options.fill === 'gap' ? null : 0
        return { t, v: value ?? fill }
      })
    }
  })
}

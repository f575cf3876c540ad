/**
 * The geometry of a small time-series line chart, computed here and drawn by
 * views/chart.eta (eta escapes every text and attribute; the page runs no script, so the
 * chart is plain SVG made on the server).
 */
/** A value of null is a gap (nothing measured that minute): the line breaks there. */
export interface Series { name: string, points: Array<{ t: number, v: number | null }> }

export interface ChartInput {
  title: string
  /** Formats a y value for the axis and the legend (e.g. seconds, counts). */
  format: (value: number) => string
  /** The smallest y step (1 for counts: no half jobs on the axis). */
  minStep?: number
  from: number
  to: number
  series: Series[]
}

export interface ChartModel {
  title: string
  width: number
  height: number
  plot: { left: number, top: number, right: number, bottom: number }
  yTicks: Array<{ y: number, label: string }>
  xTicks: Array<{ x: number, label: string }>
  /** `path` is an SVG path (`d`); `latest` and `peak` are formatted for the legend. */
  lines: Array<{ name: string, path: string, latest: string, peak: string }>
  empty: boolean
}

const WIDTH = 560
const HEIGHT = 200
const PLOT = { left: 52, top: 10, right: WIDTH - 10, bottom: HEIGHT - 24 }

/** 1, 2 or 5 × a power of ten: at most four steps up to `max`. */
function niceStep (max: number): number {
  const rough = max / 4
  const power = 10 ** Math.floor(Math.log10(rough))
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? rough
}

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16)

export function lineChart (input: ChartInput): ChartModel {
  const values = input.series.flatMap((series) => series.points.flatMap((point) => point.v === null ? [] : [point.v]))
  const step = Math.max(input.minStep ?? 0, niceStep(Math.max(...values, 0) || 1))
  const top = step * Math.max(1, Math.ceil(Math.max(...values, 0) / step))
  const span = Math.max(1, input.to - input.from)
  const x = (t: number) => PLOT.left + ((t - input.from) / span) * (PLOT.right - PLOT.left)
  const y = (v: number) => PLOT.bottom - (v / top) * (PLOT.bottom - PLOT.top)

  const yTicks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step)
    .map((value) => ({ y: round(y(value)), label: input.format(value) }))
  // A tick every quarter hour, on the quarter.
  const quarter = 15 * 60_000
  const xTicks: ChartModel['xTicks'] = []
  for (let t = Math.ceil(input.from / quarter) * quarter; t <= input.to; t += quarter) xTicks.push({ x: round(x(t)), label: hhmm(t) })

  const lines = input.series.map((series) => {
    const measured = series.points.filter((point) => point.v !== null)
    return {
      name: series.name,
      path: pathOf(series.points.map((point) => point.v === null ? null : `${round(x(point.t))},${round(y(point.v))}`)),
      latest: measured.length > 0 ? input.format(measured.at(-1)?.v ?? 0) : '—',
      peak: measured.length > 0 ? input.format(Math.max(...measured.map((point) => point.v ?? 0))) : '—'
    }
  })
  return { title: input.title, width: WIDTH, height: HEIGHT, plot: PLOT, yTicks, xTicks, lines, empty: values.every((value) => value === 0) }
}

const round = (value: number) => Math.round(value * 10) / 10

/** Runs of points become `M … L …` segments; a lone point a short dash. */
function pathOf (points: Array<string | null>): string {
  const segments: string[][] = [[]]
  for (const point of points) {
    if (point === null) segments.push([])
    else segments.at(-1)?.push(point)
  }
  return segments.filter((run) => run.length > 0)
    .map((run) => run.length === 1 ? `M${run[0]} m-2,0 h4` : `M${run.join(' L')}`).join(' ')
}

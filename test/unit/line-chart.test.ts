import assert from 'node:assert/strict'
import { test } from 'node:test'
import { lineChart } from '../../src/admin/charts/line-chart.ts'
import { lastHourMinutes, perMinute } from '../../src/admin/charts/minutes.ts'

const NOW = Date.parse('2024-03-15T10:37:20Z')
const minutes = lastHourMinutes(NOW)

test('when the last hour is bucketed, then it is 60 whole minutes ending with the current one', () => {
  assert.equal(minutes.length, 60)
  assert.equal(new Date(minutes.at(-1) ?? 0).toISOString(), '2024-03-15T10:37:00.000Z')
  assert.equal(new Date(minutes[0] ?? 0).toISOString(), '2024-03-15T09:38:00.000Z')
})

test('when minutes have no row, then counts are 0, levels carry the last value and measurements are gaps', () => {
  const rows = [{ name: 'q', minute: new Date(minutes[10] ?? 0), value: 3 }]
  assert.equal(perMinute(minutes, rows)[0]?.points[11]?.v, 0)
  assert.equal(perMinute(minutes, rows, { fill: 'carry' })[0]?.points[59]?.v, 3)
  assert.equal(perMinute(minutes, rows, { fill: 'gap' })[0]?.points[11]?.v, null)
  assert.deepEqual(perMinute(minutes, [], { names: ['hubspot'] }).map((series) => series.name), ['hubspot'], 'a named series is drawn even without rows')
})

test('when values are drawn, then the y axis ends on a round step above the peak and x ticks sit on quarter hours', () => {
  const chart = lineChart({ title: 't', format: String, from: minutes[0] ?? 0, to: NOW, series: [{ name: 'a', points: [{ t: minutes[0] ?? 0, v: 7 }, { t: NOW, v: 3 }] }] })
  assert.deepEqual(chart.yTicks.map((tick) => tick.label), ['0', '2', '4', '6', '8'])
  assert.deepEqual(chart.xTicks.map((tick) => tick.label), ['09:45', '10:00', '10:15', '10:30'])
  assert.match(chart.lines[0]?.path ?? '', /^M52,\d+(\.\d)? L550,\d+(\.\d)?$/)
  assert.equal(chart.lines[0]?.latest, '3')
  assert.equal(chart.lines[0]?.peak, '7')
  assert.equal(chart.empty, false)
})

test('when a series has gaps, then its path breaks there and a lone point is a dot', () => {
  const points = [{ t: minutes[0] ?? 0, v: 1 }, { t: minutes[1] ?? 0, v: 2 }, { t: minutes[2] ?? 0, v: null }, { t: minutes[3] ?? 0, v: 1 }]
  const path = lineChart({ title: 't', format: String, from: minutes[0] ?? 0, to: NOW, series: [{ name: 'a', points }] }).lines[0]?.path ?? ''
  assert.equal(path.match(/M/g)?.length, 2)
  assert.match(path, / M[\d.]+,[\d.]+ m-2,0 h4$/)
})

test('when every value is zero, then the chart says it is empty', () => {
  assert.equal(lineChart({ title: 't', format: String, from: 0, to: 1, series: [{ name: 'a', points: [{ t: 0, v: 0 }] }] }).empty, true)
})

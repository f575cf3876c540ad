import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'
import { createMetrics } from '../../src/metrics.ts'
import { metricNamesIn } from '../helpers/promql.ts'

// The series names /metrics can carry: histograms and summaries add their suffixes.
const registry = createMetrics({ defaultMetrics: true }).registry
const exported = new Set((await registry.getMetricsAsJSON()).flatMap(({ name, type }) => {
  if (String(type) === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`]
  if (String(type) === 'summary') return [name, `${name}_sum`, `${name}_count`]
  return [name]
}))

interface Panel { title?: string, panels?: Panel[], targets?: Array<{ expr?: string }> }
const panelsOf = (panels: Panel[] = []): Panel[] => panels.flatMap((panel) => [panel, ...panelsOf(panel.panels)])
const dashboard = JSON.parse(readFileSync('deploy/grafana/agentclara.json', 'utf8')) as { panels: Panel[] }
const dashboardExprs = panelsOf(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr ?? '' })))
const rules = parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as { groups: Array<{ rules: Array<{ alert: string, expr: string }> }> }
const ruleExprs = rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: String(rule.expr) })))

test('when an expression is read, then only its metric names come out', () => {
  assert.deepEqual(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(webhook_ack_seconds_bucket{status="200"}[5m]))) > 0.25'), ['webhook_ack_seconds_bucket'])
  assert.deepEqual(metricNamesIn('sum by (crm) (rate(crm_requests_total{status!~"2.."}[$__rate_interval])) / sum by (crm) (rate(crm_requests_total[1h] offset 5m)) or vector(0)'), ['crm_requests_total'])
  assert.deepEqual(metricNamesIn('max by (queue) (queue_depth) > 0 and deriv(max by (queue) (queue_depth)[15m:1m]) > 1e-3'), ['queue_depth'])
})

test('when the Grafana dashboard and the alert rules are read, then every metric they chart or alert on is one the service exports', () => {
  const all = [...dashboardExprs, ...ruleExprs]
  assert.ok(dashboardExprs.length >= 10 && ruleExprs.length >= 5, 'both files were found and parsed')
  for (const { where, expr } of all) {
    const names = metricNamesIn(expr)
    assert.ok(names.length > 0, `${where} reads a metric: ${expr}`)
    for (const name of names) assert.ok(exported.has(name), `${where} uses "${name}", which /metrics does not export`)
  }
})

test('when the README\'s suggested alerts are compared with the rules, then each one is a rule', () => {
  const exprs = ruleExprs.map((rule) => rule.expr).join('\n')
  for (const needle of ['outcome="unavailable"', 'outcome="unauthorized"', 'outcome="dead"', 'queue_depth', 'webhook_ack_seconds_bucket']) {
    assert.ok(exprs.includes(needle), needle)
  }
})

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'

// `docker compose --profile observability up`, checked statically (no Docker engine here):
// every piece points at a service that exists, on a port that service listens on.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true })
type Service = { image?: string, profiles?: string[], environment?: Record<string, string>, volumes?: string[], depends_on?: Record<string, { required?: boolean }> }
const services = compose.services as Record<string, Service>
const PROFILE = ['grafana', 'jaeger', 'otel-collector', 'prometheus']
const yamlFile = (path: string) => parse(readFileSync(path, 'utf8'))
// `${VAR:-default}` as compose resolves it when VAR is unset.
const resolved = (value = '') => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')
const mountOf = (service: string, target: string) => services[service]?.volumes?.find((volume) => volume.split(':')[1] === target)?.split(':')[0]

test('when the observability profile is read, then its four services exist only in it, on pinned image versions', () => {
  assert.deepEqual(Object.keys(services).filter((name) => services[name]?.profiles).sort(), PROFILE)
  for (const name of PROFILE) {
    assert.deepEqual(services[name]?.profiles, ['observability'], name)
    assert.match(services[name]?.image ?? '', /^[\w./-]+:v?\d+\.\d+\.\d+$/, `${name} pins an exact version`)
  }
  for (const volume of PROFILE.flatMap((name) => services[name]?.volumes ?? [])) {
    const source = volume.split(':')[0] ?? ''
    assert.ok(source.startsWith('./deploy/') && existsSync(source), `${source} exists under deploy/`)
  }
})

test('when the app services start, then their OTLP settings name the collector\'s HTTP port, and they wait for it only if it exists', () => {
  const collector = yamlFile(mountOf('otel-collector', '/etc/otelcol/config.yml') ?? assert.fail('collector config not mounted'))
  const httpPort = (collector.receivers.otlp.protocols.http.endpoint as string).split(':').at(-1)
  for (const name of ['receiver', 'worker']) {
    const env = services[name]?.environment ?? {}
    const endpoint = new URL(resolved(env.OTEL_EXPORTER_OTLP_ENDPOINT))
    assert.equal(endpoint.hostname, 'otel-collector', name)
    assert.equal(endpoint.port, httpPort, name)
    assert.equal(resolved(env.OTEL_EXPORTER_OTLP_PROTOCOL), 'http/protobuf', `${name}: the HTTP port speaks http/protobuf`)
    assert.match(env.OTEL_SERVICE_NAME ?? '', /^agentclara-/)
    assert.equal(services[name]?.depends_on?.['otel-collector']?.required, false, `${name} still starts without the profile`)
  }
  assert.match(services.receiver?.environment?.TRACE_UI_URL ?? '', /^http:\/\/localhost:16686\/trace\/\{traceId\}$/, 'the dashboard links into Jaeger')
})

test('when the collector exports traces, then it sends them to the Jaeger service over OTLP', () => {
  const collector = yamlFile('deploy/otel-collector/config.yml')
  const [exporter] = collector.service.pipelines.traces.exporters as string[]
  assert.equal(new URL(`http://${collector.exporters[exporter ?? ''].endpoint}`).hostname, 'jaeger')
  assert.ok(services.jaeger)
})

test('when Prometheus starts, then it scrapes the app services on their admin port (where /metrics is) and loads the alert rules', () => {
  const configDir = mountOf('prometheus', '/etc/prometheus') ?? assert.fail('prometheus config not mounted')
  const config = yamlFile(`${configDir}/prometheus.yml`)
  assert.deepEqual(config.rule_files, ['/etc/prometheus/alerts.yml'])
  assert.ok(existsSync(`${configDir}/alerts.yml`))
  const scraped = (config.scrape_configs as Array<{ dns_sd_configs: Array<{ names: string[], port: number }> }>).flatMap((job) => job.dns_sd_configs)
  assert.deepEqual(scraped.flatMap((sd) => sd.names).sort(), ['receiver', 'worker'])
  for (const sd of scraped) assert.equal(String(sd.port), services.receiver?.environment?.ADMIN_PORT)
})

test('when Grafana starts, then it provisions the Prometheus data source the dashboard uses, and the dashboard itself', () => {
  const provisioning = mountOf('grafana', '/etc/grafana/provisioning') ?? assert.fail('provisioning not mounted')
  const datasources = yamlFile(`${provisioning}/datasources/datasources.yml`).datasources as Array<{ uid: string, url: string }>
  for (const source of datasources) assert.ok(services[new URL(source.url).hostname], `${source.url} is a compose service`)
  const dashboard = JSON.parse(readFileSync(mountOf('grafana', '/var/lib/grafana/dashboards/agentclara.json') ?? '', 'utf8'))
  const uids = new Set(JSON.stringify(dashboard).match(/"uid":\s*"[^"]+"/g)?.map((match) => match.split('"')[3]))
  uids.delete(dashboard.uid)
  assert.deepEqual([...uids], ['prometheus'])
  assert.ok(datasources.some((source) => source.uid === 'prometheus'))
  const providers = yamlFile(`${provisioning}/dashboards/dashboards.yml`).providers as Array<{ options: { path: string } }>
  assert.equal(providers[0]?.options.path, '/var/lib/grafana/dashboards')
})

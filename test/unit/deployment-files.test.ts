import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'

// No Docker engine runs here, so the deployment files are checked statically.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true })
const envExample = new Set(readFileSync('.env.example', 'utf8').split('\n')
  .map((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1]).filter((name): name is string => Boolean(name)))
const dockerfile = readFileSync('Dockerfile', 'utf8')
// Variables only the compose file itself uses (for the postgres service and its URL).
const composeOnly = new Set(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'])

type Service = { profiles?: string[], environment?: Record<string, string> }
const services = compose.services as Record<string, Service>
// Services a plain `docker compose up` starts (the rest sit behind a profile).
const defaultServices = Object.keys(services).filter((name) => !services[name]?.profiles)

test('when the compose file is parsed, then it has postgres, migrate, receiver and worker services', () => {
  assert.deepEqual(defaultServices.sort(), ['migrate', 'postgres', 'receiver', 'worker'])
  assert.ok('pgdata' in compose.volumes, 'postgres data is on a named volume')
  assert.ok(compose.services.postgres.healthcheck.test, 'postgres has a healthcheck')
})

test('when an app service sets or the file interpolates a variable, then .env.example documents it', () => {
  const text = readFileSync('docker-compose.yml', 'utf8')
  const interpolated = [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1] as string)
  // The observability profile's own images (Grafana's GF_* settings) are configured in place.
  const set = defaultServices.flatMap((name) => Object.keys(services[name]?.environment ?? {}))
  for (const name of [...interpolated, ...set]) {
    if (name.startsWith('POSTGRES_') && composeOnly.has(name)) continue
    assert.ok(envExample.has(name), `${name} is missing from .env.example`)
  }
})

test('when the app services run, then they use one image, valid roles, and wait for the database and migrations', () => {
  const { receiver, worker, migrate } = compose.services
  assert.equal(receiver.image, worker.image)
  assert.equal(receiver.image, migrate.image)
  assert.deepEqual(receiver.command, ['receiver'])
  assert.deepEqual(worker.command, ['worker'])
  for (const service of [receiver, worker]) {
    assert.equal(service.depends_on.postgres.condition, 'service_healthy')
    assert.equal(service.depends_on.migrate.condition, 'service_completed_successfully')
    assert.equal(service.environment.NODE_ENV, 'production')
    assert.equal(service.env_file, '.env')
  }
  assert.ok(existsSync(migrate.entrypoint[1]), `${migrate.entrypoint[1]} exists`)
})

test('when the Dockerfile builds, then it is Node 24 slim, non-root, production deps only, with a healthcheck', () => {
  assert.match(dockerfile, /^FROM node:24-slim/m)
  assert.match(dockerfile, /npm ci --omit=dev/)
  assert.match(dockerfile, /^USER node$/m)
  assert.match(dockerfile, /^HEALTHCHECK .*\n?.*healthz/m)
  assert.match(dockerfile, /ENTRYPOINT \["node", "workers\/main.ts"\]/)
  for (const dir of ['src', 'workers', 'migrations']) assert.match(dockerfile, new RegExp(`COPY ${dir} `))
})

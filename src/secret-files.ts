import { readFileSync } from 'node:fs'

/**
 * Secrets that may come from a file named by `<NAME>_FILE` instead of the variable itself,
 * the way Docker and Kubernetes mount secrets (/run/secrets/…): the value then never sits
 * in the process environment, `docker inspect` or a crash dump of it.
 */
export const FILE_BACKED_SECRETS = [
  'AGENTCLARA_WEBHOOK_SECRET',
  'ADMIN_TOKEN',
  'DATABASE_URL',
  'HUBSPOT_ACCESS_TOKEN',
  'SALESFORCE_CLIENT_SECRET',
  'SALESFORCE_ACCESS_TOKEN'
] as const

export class SecretFileError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SecretFileError'
  }
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== ''

/**
 * The value of `name`: the variable, or the contents of the file `<name>_FILE` names (one
 * trailing newline dropped, as `echo … > file` adds it). Setting both is an error: which
 * one wins would be a guess.
 */
export function secretFromEnv (environment: Record<string, string | undefined>, name: string): string | undefined {
  const path = environment[`${name}_FILE`]
  if (!isSet(path)) return environment[name]
  if (isSet(environment[name])) throw new SecretFileError(`Both ${name} and ${name}_FILE are set: set only one.`)
  let contents: string
  try {
    contents = readFileSync(path, 'utf8')
  } catch (error) {
    throw new SecretFileError(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`)
  }
  const value = contents.replace(/\r?\n$/, '')
  if (value.trim() === '') throw new SecretFileError(`${name}_FILE: ${path} is empty.`)
  return value
}

/** `environment` with every file-backed secret resolved (the `_FILE` variables left as they were). */
export function withSecretFiles (environment: Record<string, string | undefined>): Record<string, string | undefined> {
  const resolved = { ...environment }
  for (const name of FILE_BACKED_SECRETS) resolved[name] = secretFromEnv(environment, name)
  return resolved
}

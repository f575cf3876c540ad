const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'

/** Salesforce's 18-character, case-insensitive-safe form of a 15-character Id. */
export function toCaseSafeId (id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const ch = id15[chunk * 5 + i] ?? ''
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i
    }
    suffix += SUFFIX[bits]
  }
  return id15 + suffix
}

/** True for something shaped like a Salesforce Id (15 or 18 alphanumerics). */
export function isIdShaped (value: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value)
}

/** Normalises a 15- or 18-character Id to the 18-character form (null if not Id-shaped). */
export function normaliseId (value: string): string | null {
  if (!isIdShaped(value)) return null
  return toCaseSafeId(value.slice(0, 15))
}

/** Ids with the object's key prefix (003 Contact, 00T Task, 00U Event), unique for the sandbox's life. */
export function createIdGenerator (): (keyPrefix: string) => string {
  let counter = 0
  return (keyPrefix) => {
    counter += 1
    let n = counter
    let body = ''
    while (n > 0) { body = BASE62[n % 62] + body; n = Math.floor(n / 62) }
    // prefix (3) + instance "8d" + reserved "0" + record number (9) = 15
    return toCaseSafeId(`${keyPrefix}8d0${body.padStart(9, '0')}`)
  }
}

/**
 * Is a secret good enough for production? Refuses placeholders (the values examples and
 * old .env.example files ship) and values with too little random material to resist
 * guessing. Pure: says what is wrong without ever repeating the value.
 */

export const GENERATE_SECRET_HINT =
  'Generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"  (or: openssl rand -hex 32)'

// Compared after lower-casing and dropping everything but letters and digits, so
// "Change_Me", "change me" and "CHANGE-ME" are all caught.
const PLACEHOLDERS = new Set([
  'changeme', 'changemetoo', 'changemeplease', 'secret', 'secrets', 'mysecret', 'yoursecret', 'supersecret', 'topsecret',
  'password', 'passw0rd', 'mypassword', 'yourpassword', 'admin', 'admintoken', 'token', 'mytoken', 'yourtoken',
  'webhooksecret', 'agentclarawebhooksecret', 'test', 'testsecret', 'testsecret1', 'example', 'default', 'dev',
  'development', 'production', 'letmein', 'qwerty', 'xxx', 'xxxx', 'todo', 'tbd', 'none', 'null', 'undefined'
])
// No random value contains these; a value that does was typed in from a template.
const PLACEHOLDER_WORDS = ['changeme', 'replaceme', 'placeholder', 'example', 'yoursecret', 'yourtoken', 'insertyour', 'putyour']

export type SecretProblem =
  | { kind: 'placeholder' }
  | { kind: 'too-short', bits: number, minBits: number }
  | { kind: 'not-random', why: string }

/** True for the usual stand-in values, whatever their case or punctuation. */
export function isPlaceholder (value: string): boolean {
  const normalized = value.toLowerCase().replace(/[^a-z0-9]/g, '')
  return normalized === '' || PLACEHOLDERS.has(normalized) || PLACEHOLDER_WORDS.some((word) => normalized.includes(word))
}

/**
 * Checks a secret against `minBits` of estimated random material. The estimate assumes
 * the value is an encoding of random bytes (hex: 4 bits a character, base64/base64url: 6,
 * anything else: log2 of printable ASCII) and then rejects what random output of that
 * encoding would practically never look like: few distinct characters, a repeated
 * 8-character pattern, a run of 8 consecutive characters, or base64 made of one
 * character class (a passphrase, not random bytes).
 */
export function secretProblem (value: string, minBits: number): SecretProblem | undefined {
  if (isPlaceholder(value)) return { kind: 'placeholder' }
  const { alphabet, material } = encodingOf(value)
  const bits = Math.floor(material.length * Math.log2(alphabet))
  if (bits < minBits) return { kind: 'too-short', bits, minBits }
  const why = notRandomBecause(material, alphabet)
  return why ? { kind: 'not-random', why } : undefined
}

/** One line for a ConfigError: names the variable, never the value. */
export function describeSecretProblem (name: string, problem: SecretProblem): string {
  switch (problem.kind) {
    case 'placeholder':
      return `${name} is a placeholder value. ${GENERATE_SECRET_HINT}`
    case 'too-short':
      return `${name} is too weak: about ${problem.bits} bits of random material, at least ${problem.minBits} needed ` +
        `(${Math.ceil(problem.minBits / 6)}+ base64url or ${Math.ceil(problem.minBits / 4)}+ hex characters of random data). ${GENERATE_SECRET_HINT}`
    case 'not-random':
      return `${name} does not look random (${problem.why}). ${GENERATE_SECRET_HINT}`
  }
}

function encodingOf (value: string): { alphabet: number, material: string } {
  if (/^[0-9]+$/.test(value)) return { alphabet: 10, material: value }
  if (/^[0-9a-f]+$/i.test(value)) return { alphabet: 16, material: value }
  // A type prefix and hex, like `whsec_3f9a…`: the prefix is not random.
  const prefixedHex = /^[A-Za-z]{2,12}_([0-9a-fA-F]+)$/.exec(value)
  if (prefixedHex) return { alphabet: 16, material: prefixedHex[1] as string }
  if (/^[A-Za-z0-9_-]+$/.test(value)) return { alphabet: 64, material: value }
  // Standard base64 (openssl rand -base64): its '=' padding carries no randomness.
  if (/^[A-Za-z0-9+/]+=*$/.test(value)) return { alphabet: 64, material: value.replace(/=+$/, '') }
  return { alphabet: 95, material: value }
}

function notRandomBecause (material: string, alphabet: number): string | undefined {
  const chars = [...material]
  // Random text of this length and alphabet shows about `expected` distinct characters;
  // half of that is far outside what chance produces.
  const expected = alphabet * (1 - (1 - 1 / alphabet) ** chars.length)
  const distinct = new Set(chars).size
  if (distinct < Math.ceil(expected / 2)) return `only ${distinct} distinct characters`
  if (alphabet === 64) {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(material)).length
    if (classes < 2) return 'one character class only, like a word or passphrase'
  }
  const seen = new Set<string>()
  for (let i = 0; i + 8 <= material.length; i++) {
    const gram = material.slice(i, i + 8)
    if (seen.has(gram)) return 'a repeated pattern'
    seen.add(gram)
  }
  let up = 1
  let down = 1
  for (let i = 1; i < chars.length; i++) {
    const step = (chars[i] as string).codePointAt(0)! - (chars[i - 1] as string).codePointAt(0)!
    up = step === 1 ? up + 1 : 1
    down = step === -1 ? down + 1 : 1
    if (up >= 8 || down >= 8) return 'a run of consecutive characters'
  }
  return undefined
}

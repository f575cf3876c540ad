import { randomBytes } from 'node:crypto'

/** Access tokens the sandbox has issued; `expireAll` makes clients re-authorise. */
export interface TokenRegistry {
  issue: () => string
  isValid: (token: string) => boolean
  expireAll: () => void
  /** While set, every token is refused, even a fresh one (a server that keeps answering 401). */
  rejectAll: (on: boolean) => void
  grants: () => number
  /** Counters cleared, rejecting off, the static token valid again; issued tokens stay valid. */
  reset: () => void
}

export const ORG_ID = '00D8d0000001SbxEAE'
export const USER_ID = '0058d0000001SbxAAE'

export function createTokenRegistry (options: { staticToken?: string } = {}): TokenRegistry {
  const valid = new Set<string>()
  const restoreStatic = () => { if (options.staticToken) valid.add(options.staticToken) }
  restoreStatic()
  let rejecting = false
  let grants = 0
  return {
    issue () {
      grants += 1
      // Real tokens look like "<org id>!<opaque>".
      const token = `${ORG_ID.slice(0, 15)}!${randomBytes(24).toString('base64url')}`
      valid.add(token)
      return token
    },
    isValid: (token) => !rejecting && valid.has(token),
    expireAll: () => valid.clear(),
    rejectAll: (on) => { rejecting = on },
    grants: () => grants,
    reset: () => { restoreStatic(); grants = 0; rejecting = false }
  }
}

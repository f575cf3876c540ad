import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { SystemUser } from './postgres-system-user.ts'

export interface BlockingDirectory {
  dir: string
  mode: number
}

/**
 * The directories above `path` that `user` may not pass through (no search bit for it as
 * owner, group member or other). `path` should be a real path: the kernel checks every
 * directory it walks, symlink targets included. Mode bits only (ACLs are not read), so a
 * directory opened to the user by an ACL alone is still reported.
 */
export async function blockingAncestors (path: string, user: SystemUser): Promise<BlockingDirectory[]> {
  const blocking: BlockingDirectory[] = []
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode, uid, gid } = await stat(dir)
    const searchBit = uid === user.uid ? 0o100 : user.groups.includes(gid) ? 0o010 : 0o001
    if ((mode & searchBit) === 0) blocking.unshift({ dir, mode: mode & 0o7777 })
    if (dir === dirname(dir)) break
  }
  return blocking
}

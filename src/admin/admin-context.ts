import type { CrmName } from '../crm/connector.ts'
import type { AdminDeps } from './admin-deps.ts'
import type { AdminKeys } from './keys.ts'
import type { LoginThrottle } from './login-throttle.ts'
import type { SessionStore } from './session-store.ts'
import type { RenderPage } from './views.ts'

/** What every admin route factory receives. */
export interface AdminContext {
  deps: AdminDeps
  keys: AdminKeys
  render: RenderPage
  secure: boolean
  crmNames: CrmName[]
  sessions: SessionStore
  loginThrottle: LoginThrottle
  now: () => number
}

import type { Config } from '../config.ts'
import type { ConnectorDeps, CrmConnector, CrmName, SandboxEndpoint } from './connector.ts'
import type { MappingDescription } from './mapping/describe-mapping.ts'

/** The CRM's published limits for this app: a short rolling window and a daily quota. */
export interface CrmBudget {
  limit: number
  windowMs: number
  dailyLimit: number
  /** The share of the account's daily quota this app may use. */
  dailyShare: number
}

/** Where a CRM's records go in this deployment. */
export type CrmTarget = 'real' | 'sandbox' | 'off'

/**
 * What the rest of the service knows about one CRM: everything (queues, workers, the
 * dashboard's filters, metrics labels, `crm:setup`) derives from the registry's list of
 * these, so adding a CRM is its folder plus one line in `registry.ts`.
 */
export interface CrmDefinition {
  readonly name: CrmName
  /** The real CRM when credentials are set, its sandbox in development without them, else off. */
  target: (config: Config) => CrmTarget
  /** What the CRM allows this app: the sync's shared rate budget. */
  budget: (config: Config) => CrmBudget
  /** Builds the connector for the real CRM, or for `sandbox` when one stands in for it. */
  connect: (config: Config, deps: ConnectorDeps, sandbox?: SandboxEndpoint) => CrmConnector
  /** The field mapping this configuration uses, for a dashboard in a process without connectors. */
  describeMapping?: (config: Config) => MappingDescription
}

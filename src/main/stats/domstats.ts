/**
 * Live usage, read from one batch of virsh commands per poll and turned into rates: the entry point. Pure, as
 * everything in ./usage/ is: the commands and counters, the parsers of their output, and the rates.
 */
export {
  USAGE_COMMANDS,
  type DeviceCounters,
  type DomainCounters,
  type NodeCounters,
  type PoolCounters,
  type UsageCommand,
  type UsageSample,
} from './usage/counters';
export { parseDomstats } from './usage/parse-domstats';
export { parseNode, parseUsageBatch, type CommandResult } from './usage/parse-node';
export { parsePools } from './usage/parse-pools';
export { usageRates, type DomainRates, type NodeRates, type UsageRates } from './usage/rates';

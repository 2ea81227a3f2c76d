/**
 * A VM settings change, planned from the domain's XML: the entry point. The planner lives in ./settings/, one
 * file per family of changes (compute, disks, nics, media), with the document editing and reading they share.
 */
export { liveActionArgs } from './settings/live-args';
export { planSettings } from './settings/plan';
export type {
  LiveAction,
  NewVolume,
  PlannedChange,
  SettingsContext,
  SettingsPlan,
  SettingsPool,
  SettingsRefusal,
  SettingsVolume,
} from './settings/types';
export { formatBytes } from './settings/work';

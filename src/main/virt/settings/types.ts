/** The public types of a settings plan: what goes in (the context) and what comes out (the plan). */
import type { SettingsEffect, VmSettingsChange } from '../../../shared/domain/vm-settings';

/** A volume on the VM's host, as the inventory knows it. */
export interface SettingsVolume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly format: string | null;
  readonly capacityBytes: number;
}

export interface SettingsPool {
  readonly name: string;
  /** The pool's directory (null: not a directory pool, where QHCI does not create volumes). */
  readonly path: string | null;
}

export interface SettingsContext {
  readonly inactiveXml: string;
  /** The running VM's XML; null when it is not running. */
  readonly liveXml: string | null;
  readonly pools: readonly SettingsPool[];
  readonly volumes: readonly SettingsVolume[];
  /** The networks of the VM's host. */
  readonly networks: readonly string[];
  /** One fresh MAC per NIC the change adds, in order (random bytes are the caller's: see macFrom). */
  readonly macs: readonly string[];
}

export type LiveAction =
  | { readonly kind: 'setvcpus'; readonly count: number }
  | { readonly kind: 'setmem'; readonly kib: number }
  | { readonly kind: 'attach-device'; readonly xml: string }
  | { readonly kind: 'detach-device'; readonly xml: string }
  | { readonly kind: 'update-device'; readonly xml: string }
  | { readonly kind: 'blockresize'; readonly target: string; readonly bytes: number }
  /** path null: eject. `insert`: the tray was empty. */
  | {
      readonly kind: 'change-media';
      readonly target: string;
      readonly path: string | null;
      readonly insert: boolean;
    }
  | { readonly kind: 'description'; readonly text: string };

export interface PlannedChange {
  /** Its index in the change list. */
  readonly index: number;
  readonly kind: VmSettingsChange['kind'];
  /** What it does, for the screen ("Memory 2 GiB → 4 GiB"). */
  readonly summary: string;
  readonly effect: SettingsEffect;
  /** Why it waits for the next boot, when it does on a running VM. */
  readonly note?: string;
  /** Run in this order on the running VM, after the new definition. */
  readonly live: readonly LiveAction[];
}

export interface SettingsRefusal {
  readonly index: number;
  readonly message: string;
}

export interface NewVolume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly format: 'qcow2';
}

export interface SettingsPlan {
  /** The new inactive definition: what `virsh define` gets. */
  readonly inactiveXml: string;
  readonly running: boolean;
  /** The changes that can be made, in request order. */
  readonly changes: readonly PlannedChange[];
  /** The changes that cannot: when there are any, nothing is applied. */
  readonly refusals: readonly SettingsRefusal[];
  /** Volumes to create before the definition. */
  readonly createVolumes: readonly NewVolume[];
  /** Volumes to grow (a VM that is not running: with the volume's own tools, not blockresize). */
  readonly resizeVolumes: readonly { pool: string; name: string; path: string; sizeBytes: number }[];
  /** Volumes to delete once the new definition is in place. */
  readonly deleteVolumes: readonly { pool: string; name: string; path: string }[];
  /** `virsh autostart` (null: unchanged). */
  readonly autostart: boolean | null;
  /** The inventory's labels (null: unchanged). */
  readonly labels: Readonly<Record<string, string>> | null;
}

/**
 * Every kind of operation that changes a host, with the words the console and the CLI show for it and its
 * steps (in order). Main declares each operation with these step names; the Tasks page and `qhci task` read
 * the labels from here, so a new operation adds one entry and every screen speaks of it.
 */
import { CREATE_STEP_LABELS } from './provision';

interface OperationInfo {
  /** "Create VM": what the Tasks page shows as the task's type. */
  readonly label: string;
  /** Step name → what it does, in the order the steps run. */
  readonly steps: Readonly<Record<string, string>>;
}

export const OPERATIONS = {
  'vm.create': {
    label: 'Create VM',
    steps: CREATE_STEP_LABELS,
  },
  'vm.delete': {
    label: 'Delete VM',
    steps: {
      inspect: "Read the VM's disks on the host",
      domain: 'Stop and undefine the domain',
      volumes: 'Delete its own volumes',
      forget: 'Remove it from the inventory',
    },
  },
  'vm.snapshot.create': {
    label: 'Take snapshot',
    steps: {
      check: 'Check the mode, the name and the space',
      snapshot: 'Take the snapshot',
      verify: 'Read it back from the host',
    },
  },
  'vm.snapshot.revert': {
    label: 'Revert to snapshot',
    steps: {
      check: "Find the snapshot and note the VM's state",
      revert: 'Revert the VM to it',
      state: "Read the VM's state",
    },
  },
  'vm.snapshot.delete': {
    label: 'Delete snapshots',
    steps: {
      check: 'Find the snapshots',
      delete: 'Delete them (their data merges into their children)',
      refresh: 'Read the snapshots back',
    },
  },
  'vm.clone': {
    label: 'Clone VM',
    steps: {
      check: 'Check the source is shut off, the name is free and the pool has room',
      volumes: "Copy the source's writable disks, or overlay a template's, into new volumes",
      files: 'Copy the NVRAM and TPM state',
      seed: 'Make a fresh cloud-init seed',
      define: 'Define the clone',
      record: 'Record the clone in the inventory',
    },
  },
  'vm.template': {
    label: 'Convert to template',
    steps: {
      check: 'Check the VM has no snapshots and its disks are files',
      shutdown: 'Shut the guest down',
      protect: 'Make its disks read-only bases',
      mark: 'Mark it a template',
    },
  },
  'vm.detach': {
    label: 'Detach from template',
    steps: {
      check: 'Find the disks that stand on the template, and room for its data',
      rebase: "Copy the template's data into them (qemu-img rebase)",
      record: 'Record it as a full VM',
    },
  },
  'vm.migrate': {
    label: 'Migrate VM',
    steps: {
      check: 'Check both hosts (the preflight, again under the lock)',
      prepare: 'Place bases, ISOs, NVRAM and empty overlays on the destination',
      migrate: 'Move the VM (live: memory and top layers stream host to host)',
      cleanup: "Remove the VM's own files from the source",
      record: 'Record the VM on its new host',
    },
  },
  'host.maintenance': {
    label: 'Enter maintenance',
    steps: {
      plan: 'Plan a destination for every VM (the whole plan at once)',
      mark: 'Mark the host in maintenance: nothing new is placed on it',
      evacuate: 'Migrate the VMs, a few at a time',
      stuck: 'Shut down the VMs that cannot move (if chosen)',
    },
  },
  'vm.settings': {
    label: 'Change VM settings',
    steps: {
      check: 'Read the VM again, plan the change and book its growth',
      volumes: 'Create the new volumes',
      grow: "Grow the shut-off VM's disks (a grown disk stays grown)",
      define: 'Define the new configuration',
      live: 'Change the running VM',
      autostart: 'Set autostart',
      record: 'Record labels, description, vCPUs and memory',
      delete: 'Delete the volumes of detached disks',
      refresh: 'Read the VM back into the inventory',
    },
  },
  'image.upload': {
    label: 'Upload image',
    steps: {
      check: 'Check the target pool',
      upload: 'Copy the image into the pool',
      record: 'Record the image',
    },
  },
  'image.delete': {
    label: 'Delete image',
    steps: {
      check: 'Check that nothing uses it',
      delete: 'Delete the volume',
      record: 'Update the inventory',
    },
  },
} as const satisfies Readonly<Record<string, OperationInfo>>;

export type OperationKind = keyof typeof OPERATIONS;
export type OperationStepName<K extends OperationKind> = Extract<
  keyof (typeof OPERATIONS)[K]['steps'],
  string
>;

export function isOperationKind(kind: string): kind is OperationKind {
  return Object.hasOwn(OPERATIONS, kind);
}

/** The steps of an operation, in order. */
export function operationSteps(kind: OperationKind): readonly string[] {
  return Object.keys(OPERATIONS[kind].steps);
}

/** "Delete VM"; an unknown kind (a task from a newer version) is shown as it is stored. */
export function operationLabel(kind: string): string {
  return isOperationKind(kind) ? OPERATIONS[kind].label : kind;
}

/** What a step does; an unknown step is shown by its name, capitalised. */
export function stepLabel(kind: string, step: string): string {
  const steps: Readonly<Record<string, string>> | undefined = isOperationKind(kind)
    ? OPERATIONS[kind].steps
    : undefined;
  const known = steps && Object.hasOwn(steps, step) ? steps[step] : undefined;
  return known ?? step.charAt(0).toUpperCase() + step.slice(1);
}

/** Every flag `qhci` knows, in one table (parseArgs is strict: an unknown flag is an error). */
import { parseArgs } from 'node:util';
import { normalizeOptionalValues } from './args';

const str = { type: 'string' } as const;
const strs = { type: 'string', multiple: true } as const;
const bool = { type: 'boolean' } as const;

export const OPTIONS = {
  // global
  'data-dir': str,
  db: str,
  project: { type: 'string', default: 'default' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  // specs and vm create
  os: str,
  timezone: str,
  hostname: str,
  description: str,
  'install-agent': bool,
  'ssh-key-file': strs,
  'password-stdin': bool,
  'user-data': str,
  'raw-user-data': bool,
  'network-config': str,
  // hosts
  uri: str,
  ssh: str,
  key: str,
  agent: bool,
  'remote-uri': str,
  accept: str,
  'allow-sha1': bool,
  host: str,
  // host maintenance
  plan: bool,
  enter: bool,
  exit: bool,
  'shut-down-stuck': bool,
  // vm create and place
  folder: str,
  strategy: str,
  count: str,
  sockets: str,
  cores: str,
  memory: str,
  disk: strs,
  network: strs,
  'cloud-image': str,
  iso: str,
  profile: str,
  spec: str,
  user: str,
  'no-start': bool,
  'wait-ready': str,
  label: strs,
  'dry-run': bool,
  from: str,
  explain: bool,
  cpu: str,
  accel: str,
  firmware: str,
  // vm stop / delete
  force: bool,
  'keep-disks': bool,
  // vm template
  'shut-down': bool,
  // vm clone
  linked: bool,
  // vm migrate
  to: str,
  transport: str,
  // vm snapshot (--memory takes no value there: see normalizeOptionalValues)
  'disk-only': bool,
  // vm set
  vcpus: str,
  'add-disk': strs,
  'attach-volume': strs,
  'grow-disk': strs,
  'detach-disk': strs,
  'delete-volume': bool,
  'add-nic': strs,
  'remove-nic': strs,
  nic: strs,
  'insert-iso': strs,
  eject: strs,
  boot: str,
  autostart: str,
  yes: bool,
  // images
  kind: str,
  pool: str,
  'from-image': str,
  name: str,
  // top
  interval: str,
  sort: str,
  once: bool,
} as const;

export function parseCli(argv: readonly string[]) {
  return parseArgs({ args: normalizeOptionalValues(argv), allowPositionals: true, options: OPTIONS });
}

export type Opts = ReturnType<typeof parseCli>['values'];

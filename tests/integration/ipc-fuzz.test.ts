/**
 * For every channel: hundreds of invalid inputs, each answered with a typed AppError, and the inventory
 * file (WAL included) byte-for-byte unchanged afterwards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, isAppErrorData } from '../../src/shared/domain/errors';
import { CHANNELS, type ChannelName } from '../../src/shared/ipc/channels';
import { contract } from '../../src/shared/ipc/contract';
import { DEFAULT_PROJECT_ID } from '../../src/shared/domain/names';
import { startTestApp, type TestApp } from '../helpers/app';
import { ed25519Key } from '../helpers/ssh-keys';

let t: TestApp;
let samples: Record<ChannelName, Record<string, unknown>>;

beforeAll(async () => {
  t = startTestApp();
  const c = t.client;
  const prod = await c.call('folders.create', { name: 'Production' });
  const web = await c.call('folders.create', { name: 'Web', parentId: prod.id });
  const spec = await c.call('specs.create', {
    name: 'Linux',
    sshKeys: [ed25519Key()],
    adminPassword: 'password-1',
  });
  const vm = t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: 'vm1', folderId: web.id });
  const createRequest = {
    name: 'new-vm',
    folderId: web.id,
    compute: { sockets: 1, cores: 2, memoryBytes: 1073741824 },
    disks: [{ kind: 'new', sizeBytes: 1073741824, thin: true }],
    nics: [{ network: 'default' }],
    boot: { kind: 'none' },
    customization: { specId: spec.id, hostname: '{{.VMName}}-{{.Index}}', password: 'secret-pass-1' },
  };
  // A valid input for every channel, the base the mutations start from.
  samples = {
    'app.info': {},
    'projects.list': {},
    'projects.create': { name: 'Lab' },
    'folders.tree': { projectId: 'default' },
    'folders.get': { id: prod.id },
    'folders.create': { projectId: '', parentId: prod.id, name: 'New' },
    'folders.rename': { id: web.id, name: 'Renamed' },
    'folders.move': { id: web.id, parentId: prod.id },
    'folders.delete': { id: web.id },
    'hosts.list': { projectId: '' },
    'hosts.get': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'hosts.probe': { address: '127.0.0.2', port: 2222 },
    'hosts.test': { connection: { kind: 'libvirt', uri: 'test:///default' } },
    'hosts.add': { name: 'h', connection: { kind: 'libvirt', uri: 'test:///default' } },
    'hosts.update': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70', name: 'x', policy: {} },
    'hosts.remove': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'hosts.sync': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'hosts.connect': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'hosts.suggestLocal': {},
    'hosts.forgetKey': { address: '127.0.0.2', port: 2222 },
    'vms.power': { vmId: vm.id, action: 'start' },
    'vms.fixCpu': { vmId: vm.id },
    'vms.guest': { vmId: vm.id },
    'scheduler.place': {
      request: { vcpus: 2, memoryBytes: 1073741824, disks: [{ sizeBytes: 1073741824, thin: true }] },
    },
    'vms.list': { projectId: 'default', folderId: web.id },
    'vms.moveToFolder': { vmIds: [vm.id], folderId: prod.id },
    'vms.get': { id: vm.id },
    'vms.create': { request: createRequest },
    'vms.preview': { request: createRequest },
    'vms.delete': { vmId: vm.id, deleteDisks: true },
    'vms.clone': { vmId: vm.id, name: 'web-2', description: 'a copy' },
    'vms.convertToTemplate': { vmId: vm.id, shutDown: true },
    'vms.detach': { vmId: vm.id },
    'vms.migratePreflight': { vmId: vm.id },
    'hosts.maintenancePlan': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'hosts.enterMaintenance': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70', stuck: 'abort' },
    'hosts.exitMaintenance': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'vms.migrate': { vmId: vm.id, transport: 'direct' },
    'vms.settingsPlan': { vmId: vm.id, changes: [{ kind: 'vcpus', current: 2, maximum: 4 }] },
    'vms.updateSettings': { vmId: vm.id, changes: [{ kind: 'labels', labels: { env: 'prod' } }] },
    'snapshots.list': { vmId: vm.id },
    'snapshots.plan': { vmId: vm.id, memory: true },
    'snapshots.create': { vmId: vm.id, name: 'before upgrade', description: 'kernel', memory: false },
    'snapshots.revert': { vmId: vm.id, name: 'before upgrade' },
    'snapshots.delete': { vmId: vm.id, names: ['before upgrade', 'v2'] },
    'vms.screenshot': { vmId: vm.id },
    'consoles.open': { vmId: vm.id, kind: 'serial', cols: 80, rows: 24 },
    'consoles.resize': { sessionId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70', cols: 80, rows: 24 },
    'consoles.close': { sessionId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'tasks.list': { projectId: '', limit: 10 },
    'tasks.get': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'images.list': { projectId: '', kind: 'cloud-image' },
    'images.upload': {
      hostId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70',
      pool: 'default',
      sourcePath: '/tmp/x.qcow2',
    },
    'images.delete': { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' },
    'files.pick': { purpose: 'image' },
    'settings.get': {},
    'settings.update': { agent: { url: 'https://example.org/agent', sha256: 'a'.repeat(64) } },
    'specs.list': { projectId: '' },
    'specs.get': { id: spec.id },
    'specs.create': {
      name: 'Other',
      timezone: 'UTC',
      hostnameTemplate: '{{.VMName}}',
      sshKeys: [ed25519Key()],
    },
    'specs.update': { id: spec.id, description: 'x', adminPassword: 'password-2' },
    'specs.delete': { id: spec.id },
    'specs.duplicate': { id: spec.id, name: 'Copy' },
    'usage.watch': { hostIds: ['5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70'], intervalSeconds: 5 },
    'usage.unwatch': { watchId: 'qhci-watch-1' },
    'usage.history': { vmId: vm.id },
  };
  // Push everything to disk in a known state so later comparisons are stable.
  t.app.inventory.db.pragma('wal_checkpoint(TRUNCATE)');
});
afterAll(() => t.dispose());

const snapshot = () =>
  Object.fromEntries(
    readdirSync(t.dataDir)
      .filter((f) => f.startsWith('qhci.db'))
      .map((f) => [f, readFileSync(join(t.dataDir, f)).toString('base64')]),
  );

/** Values that are invalid for the channel's schema: arbitrary junk, or a valid input with one field spoiled. */
function invalidInputs(channel: ChannelName): fc.Arbitrary<unknown> {
  const sample = samples[channel];
  const keys = Object.keys(sample);
  const junk = fc.oneof(
    fc.anything({
      maxDepth: 3,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
    }),
    fc.string({ maxLength: 400 }),
    fc.constantFrom('', ' ', '/', '..', '\u0000', 'x'.repeat(70000), -1, 1e308, NaN, null, true, [], {}),
  );
  const spoiled = fc
    .tuple(keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('extra'), junk)
    .map(([key, value]) => ({ ...sample, [key]: value }));
  const extraKey = fc
    .string({ minLength: 1, maxLength: 10 })
    .filter((k) => !keys.includes(k) && k !== '__proto__')
    .map((k) => ({ ...sample, [k]: 1 }));
  const unknownIds = fc.uuid({ version: 4 }).map((id) => {
    const out: Record<string, unknown> = { ...sample };
    for (const k of ['id', 'parentId', 'folderId', 'vmId']) if (k in out) out[k] = id;
    if ('vmIds' in out) out.vmIds = [id];
    return out;
  });
  const schema = contract[channel].input;
  const invalid = fc.oneof(junk, spoiled, extraKey).filter((v) => !schema.safeParse(v).success);
  return ['id', 'parentId', 'folderId', 'vmIds', 'vmId'].some((k) => k in sample)
    ? fc.oneof(invalid, unknownIds)
    : invalid;
}

describe('IPC contract under invalid input', () => {
  it.each([...CHANNELS])(
    '%s answers every invalid input with a typed error and changes nothing',
    async (channel) => {
      const before = snapshot();
      await fc.assert(
        fc.asyncProperty(invalidInputs(channel), async (input) => {
          const result = await t.app.dispatch(channel, input);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(isAppErrorData(result.error)).toBe(true);
          expect(ERROR_CODES).toContain(result.error.code);
          expect(['VALIDATION', 'NOT_FOUND']).toContain(result.error.code);
          expect(result.error.message).not.toMatch(/\n\s+at |SQLITE_|TypeError|\[object /);
          expect(Object.keys(result.error).every((k) => ['code', 'message', 'field'].includes(k))).toBe(true);
        }),
        { numRuns: 300 },
      );
      expect(snapshot()).toEqual(before);
    },
  );

  it('refuses unknown channels and inputs that are not plain data', async () => {
    for (const channel of ['nope', '', null, 42, 'folders.create\u0000', '__proto__', 'constructor']) {
      const r = await t.app.dispatch(channel, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });
});

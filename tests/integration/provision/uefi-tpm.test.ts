/**
 * UEFI and TPM for real, on the testbed's kvm-a (qemu:///system with OVMF and swtpm): host sync sees them, the
 * scheduler's firmware predicate passes there and still fails on the simulated hosts, and UEFI VMs (a Debian
 * VM from a cloud image, with its cloud-init seed, given UEFI by the request over its BIOS profile, and
 * Windows 11 with secure boot asked for by name and an emulated TPM 2.0 booting an ISO) are created, started,
 * listed as running and deleted through the services. The loader, the per-VM NVRAM file and the TPM state
 * directory are checked on the host, and gone after the deletion, and after creations that fail late (the
 * start, the wait for the guest) as well.
 *
 * The VMs run under TCG (the request's accelerator override), whatever the host offers: a KVM that accepts
 * domains may still refuse what UEFI and Windows need (SMM for secure boot, Hyper-V enlightenments). One
 * creation leaves the accelerator to the product and accepts either outcome: running, or refused with the
 * host's reason and nothing left behind. And where kvm-a offers kvm, a BIOS Windows 10 runs under it with
 * only the Hyper-V enlightenments its domcapabilities lists (the whole set made QEMU refuse to start there).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { CreateVmRequestInput } from '../../../src/shared/domain/provision';
import { createApp, type App } from '../../../src/main/app';
import { parseDomainXml } from '../../../src/main/virt/parse';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { domstate, removeDomain, virsh } from '../../helpers/domains';
import {
  addSshHost,
  domainNames,
  makeCloudImage,
  makeIso,
  MiB,
  POOL,
  poolVolumes,
  removeVolume,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

/** Where libvirt keeps a VM's TPM state (swtpm), by domain uuid, and its NVRAM (VARS) files. */
const SWTPM_STATE = '/var/lib/libvirt/swtpm';
const NVRAM_DIR = '/var/lib/libvirt/qemu/nvram';
const NET = 'qt-uefi-down';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text' });

type XmlText = string | { '#text'?: string; [attr: `@${string}`]: string | undefined };
const textOf = (v: XmlText | undefined) => (typeof v === 'string' ? v : v?.['#text']);
const attrOf = (v: XmlText | undefined, name: string) => (typeof v === 'object' ? v[`@${name}`] : undefined);

interface Firmware {
  /** What the domain asked of libvirt's firmware selection (`<os><firmware><feature>`), by name. */
  readonly features: Readonly<Record<string, string | undefined>>;
  readonly loader: { readonly path: string; readonly type?: string; readonly secure?: string } | null;
  readonly nvram: string | null;
  readonly smm: boolean;
  readonly tpm: { readonly model: string; readonly backend: string; readonly version: string } | null;
}

/** What the running domain's XML says about its firmware and TPM (libvirt fills the loader in at start). */
function firmwareOf(name: string): Firmware {
  const dom = (
    xml.parse(virsh('dumpxml', name)) as {
      domain: {
        os: { loader?: XmlText; nvram?: XmlText; firmware?: { feature?: XmlText | XmlText[] } };
        features?: { smm?: XmlText };
        devices: { tpm?: { '@model': string; backend: { '@type': string; '@version': string } } };
      };
    }
  ).domain;
  const { loader, nvram } = dom.os;
  const tpm = dom.devices.tpm;
  const features = [dom.os.firmware?.feature ?? []].flat();
  return {
    features: Object.fromEntries(features.map((f) => [attrOf(f, 'name'), attrOf(f, 'enabled')])),
    loader:
      loader === undefined
        ? null
        : { path: textOf(loader) ?? '', type: attrOf(loader, 'type'), secure: attrOf(loader, 'secure') },
    nvram: textOf(nvram) ?? null,
    smm: dom.features?.smm !== undefined && attrOf(dom.features.smm, 'state') !== 'off',
    tpm: tpm
      ? { model: tpm['@model'], backend: tpm.backend['@type'], version: tpm.backend['@version'] }
      : null,
  };
}

const tpmDir = (uuid: string) => join(SWTPM_STATE, uuid);
/** libvirt's NVRAM file for a domain whose loader it chose itself (firmware='efi'). */
const nvramFile = (name: string) => join(NVRAM_DIR, `${name}_VARS.fd`);

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!testbed)(`UEFI and TPM on the testbed ${NO_TESTBED}`, () => {
  let app: App;
  let client: QhciClient;
  const ids: Record<string, string> = {};
  /** Volumes the tests made; every VM a test asked for, by name: what is left of them goes at the end. */
  const volumes: string[] = [];
  const names: string[] = [];
  /** A small test-made cloud image: the UEFI Linux VM boots from an overlay on it. */
  let cloudImageId = '';
  let isoId = '';

  const dataDir = tempDir();

  beforeAll(async () => {
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      provisioning: { readyPollMs: 300, rollbackRetryMs: 10_000 },
    });
    client = createClient(inProcessBridge(app));
    for (const name of ['kvm-a', 'sim-b', 'sim-c']) ids[name] = await addSshHost(client, name);
    const cloud = makeCloudImage(`${uniq('qt-uefi')}-cloud.qcow2`, '32M');
    const iso = makeIso(`${uniq('qt-uefi')}-install.iso`);
    volumes.push(cloud.name, iso.name);
    await client.call('hosts.sync', { id: ids['kvm-a']! });
    const images = await client.call('images.list', { hostId: ids['kvm-a']! });
    isoId = images.find((i) => i.name === iso.name)!.id;
    const image = images.find((i) => i.name === cloud.name)!;
    expect(image.kind).toBe('cloud-image');
    cloudImageId = image.id;
  });

  afterAll(() => {
    const defined = domainNames();
    for (const name of names) {
      if (defined.includes(name)) removeDomain(virsh('domuuid', name).trim());
    }
    try {
      virsh('net-undefine', NET);
    } catch {
      /* not there */
    }
    app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    for (const v of poolVolumes()) {
      if (volumes.includes(v) || names.some((n) => v.startsWith(`${n}-`))) removeVolume(v);
    }
  });

  /** A small VM on kvm-a, under TCG unless the request says otherwise. */
  function onKvmA(
    name: string,
    extra: Partial<CreateVmRequestInput> & Pick<CreateVmRequestInput, 'profile' | 'boot'>,
    accelerator: 'tcg' | 'auto' = 'tcg',
  ): CreateVmRequestInput {
    names.push(name);
    return {
      name,
      placement: { hostId: ids['kvm-a']! },
      compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB, accelerator },
      disks: [{ kind: 'new', sizeBytes: 64 * MiB, pool: POOL }],
      nics: [{ network: 'default' }],
      ...extra,
    };
  }

  /** Starts a creation; the VM's uuid is known (and on the VM) as soon as the creation has started. */
  async function start(request: CreateVmRequestInput) {
    const started = await client.call('vms.create', { request });
    const vmId = started.vmIds[0]!;
    const uuid = (await client.call('vms.get', { id: vmId })).uuid!;
    return { vmId, uuid, taskId: started.taskIds[0]!, name: request.name };
  }

  async function create(request: CreateVmRequestInput) {
    const s = await start(request);
    return { ...s, task: await waitTask(client, s.taskId, 90_000) };
  }

  /** Nothing of the VM on the host (domain, volumes, NVRAM, TPM state) nor in the inventory. */
  async function expectGone(name: string, uuid: string) {
    expect(domainNames()).not.toContain(name);
    expect(existsSync(nvramFile(name))).toBe(false);
    expect(existsSync(tpmDir(uuid))).toBe(false);
    expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
    expect((await client.call('vms.list', {})).map((v) => v.name)).not.toContain(name);
  }

  it('host sync reports UEFI and TPM on kvm-a; the firmware predicate passes there and fails on the simulated hosts', async () => {
    for (const name of ['kvm-a', 'sim-b', 'sim-c']) {
      const report = await client.call('hosts.sync', { id: ids[name]! });
      expect(report.warnings).toEqual([]);
    }
    const facts = async (name: string) => (await client.call('hosts.get', { id: ids[name]! })).host.facts;
    expect(await facts('kvm-a')).toMatchObject({ uefiAvailable: true, tpmAvailable: true });
    for (const sim of ['sim-b', 'sim-c']) {
      expect(await facts(sim)).toMatchObject({ uefiAvailable: false, tpmAvailable: false });
    }

    const place = (firmware: { uefi: boolean; tpm: boolean }) =>
      client.call('scheduler.place', { request: { vcpus: 1, memoryBytes: 128 * MiB, firmware } });
    const both = await place({ uefi: true, tpm: true });
    expect(both.ok).toBe(true);
    if (!both.ok) return;
    expect(both.result.chosen).toEqual([ids['kvm-a']]);
    const row = (table: typeof both.result.table, name: string) => table.find((e) => e.hostName === name)!;
    expect(row(both.result.table, 'kvm-a')).toMatchObject({ feasible: true, failed: [], reasons: [] });
    for (const sim of ['sim-b', 'sim-c']) {
      expect(row(both.result.table, sim)).toMatchObject({
        feasible: false,
        failed: ['firmware'],
        reasons: [
          'UEFI firmware (OVMF) is not available on the node',
          'TPM emulator (swtpm) is not available on the node',
        ],
      });
    }
    // UEFI alone: only that reason; BIOS: every host qualifies.
    const uefi = await place({ uefi: true, tpm: false });
    expect(uefi.ok && uefi.result.chosen).toEqual([ids['kvm-a']]);
    if (uefi.ok) {
      expect(row(uefi.result.table, 'sim-c').reasons).toEqual([
        'UEFI firmware (OVMF) is not available on the node',
      ]);
    }
    const bios = await place({ uefi: false, tpm: false });
    expect(bios.ok && bios.result.table.every((e) => e.feasible)).toBe(true);
  });

  it('creates, lists as running and deletes a UEFI Linux VM and a Windows 11 VM with secure boot and a TPM', async () => {
    // The Debian profile is BIOS: the request's firmware gives it UEFI. Windows 11's profile is UEFI already.
    const linux = uniq('qt-uefi-linux');
    const win = uniq('qt-uefi-win11');
    const [a, b] = await Promise.all([
      create(
        onKvmA(linux, {
          profile: 'debian',
          firmware: 'uefi',
          boot: { kind: 'cloud-image', imageId: cloudImageId },
          disks: [{ kind: 'new', pool: POOL }],
        }),
      ),
      create(onKvmA(win, { profile: 'windows-11', boot: { kind: 'iso', imageId: isoId } })),
    ]);
    for (const { task } of [a, b]) {
      expect(task.error).toBeNull();
      expect(task.state).toBe('succeeded');
    }

    const listed = await client.call('vms.list', { hostId: ids['kvm-a']! });
    for (const vm of [a, b]) {
      expect(listed.find((v) => v.id === vm.vmId)).toMatchObject({ name: vm.name, state: 'running' });
      expect(domstate(vm.uuid)).toBe('running');
    }

    // Both: an OVMF loader libvirt chose, and the VM's own NVRAM file. Windows 11: secure boot with enrolled
    // keys, asked for by name (libvirt turned SMM on for it), and an emulated TPM 2.0 whose state libvirt
    // keeps per VM. The Linux VM asked for no secure boot and has no TPM; it boots its overlay on the cloud
    // image, with its cloud-init seed as a cdrom.
    const fw = { linux: firmwareOf(linux), win: firmwareOf(win) };
    for (const vm of [a, b]) {
      const f = vm === a ? fw.linux : fw.win;
      expect(f.loader).toMatchObject({ type: 'pflash', path: expect.stringMatching(/OVMF|edk2/i) });
      expect(existsSync(f.loader!.path)).toBe(true);
      expect(f.nvram).toBe(nvramFile(vm.name));
      expect(existsSync(f.nvram!)).toBe(true);
    }
    expect(fw.win.features).toEqual({ 'secure-boot': 'yes', 'enrolled-keys': 'yes' });
    expect(fw.win.loader?.secure).toBe('yes');
    expect(fw.win.smm).toBe(true);
    expect(fw.linux.features).toEqual({});
    const linuxDisks = parseDomainXml(virsh('dumpxml', linux)).disks;
    expect(linuxDisks.map((d) => [d.device, d.bus, d.source?.replace(/^.*\//, '')])).toEqual([
      ['disk', 'virtio', `${linux}-disk0.qcow2`],
      ['cdrom', 'sata', `${linux}-cidata.iso`],
    ]);
    expect(linuxDisks[0]!.backingChain.map((p) => p.replace(/^.*\//, ''))).toContain(
      (await client.call('images.list', { hostId: ids['kvm-a']! })).find((i) => i.id === cloudImageId)!.name,
    );
    expect(fw.win.tpm).toEqual({ model: 'tpm-crb', backend: 'emulator', version: '2.0' });
    expect(existsSync(join(tpmDir(b.uuid), 'tpm2'))).toBe(true);
    expect(fw.linux.tpm).toBeNull();
    expect(existsSync(tpmDir(a.uuid))).toBe(false);
    // What libvirt made of the generated documents passes its schema.
    const dir = tempDir();
    try {
      for (const name of [linux, win]) {
        writeFileSync(join(dir, `${name}.xml`), virsh('dumpxml', name));
        execFileSync('virt-xml-validate', [join(dir, `${name}.xml`), 'domain'], { stdio: 'pipe' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    for (const vm of [a, b]) await client.call('vms.delete', { vmId: vm.vmId, deleteDisks: true });
    await expectGone(linux, a.uuid);
    await expectGone(win, b.uuid);
  }, 120_000);

  it('a Windows 11 creation that fails after its start (the guest never gets ready) removes its NVRAM and TPM state', async () => {
    const name = uniq('qt-uefi-notready');
    const s = await start(
      onKvmA(name, {
        profile: 'windows-11',
        boot: { kind: 'iso', imageId: isoId },
        waitForReady: { timeoutSeconds: 5 },
      }),
    );
    // While it waits for the guest, the VM runs with its NVRAM and TPM state.
    await until('the creation waits for the guest', async () => {
      const task = await client.call('tasks.get', { id: s.taskId });
      if (task.state !== 'running') throw new Error(`ended early: ${JSON.stringify(task.error)}`);
      return task.steps.find((st) => st.name === 'ready')?.state === 'running';
    });
    expect(domstate(s.uuid)).toBe('running');
    expect(existsSync(nvramFile(name))).toBe(true);
    expect(existsSync(join(tpmDir(s.uuid), 'tpm2'))).toBe(true);

    const task = await waitTask(client, s.taskId, 60_000);
    expect(task.state).toBe('failed');
    expect(task.steps.find((st) => st.name === 'ready')?.state).toBe('failed');
    expect(task.error?.message).toMatch(/guest agent/);
    expect(task.error?.rolledBack).toEqual(
      expect.arrayContaining([`domain ${name}`, `volume ${POOL}/${name}-disk0.qcow2`]),
    );
    await expectGone(name, s.uuid);
  }, 90_000);

  it('a Windows 11 creation whose start fails (its network went down) leaves no domain, NVRAM or TPM state', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'net.xml'),
      `<network><name>${NET}</name><bridge name='qtuefidown0'/><ip address='10.254.78.1' netmask='255.255.255.0'/></network>`,
    );
    virsh('net-define', join(dir, 'net.xml'));
    rmSync(dir, { recursive: true, force: true });
    virsh('net-start', NET);
    await client.call('hosts.sync', { id: ids['kvm-a']! });
    virsh('net-destroy', NET);
    const name = uniq('qt-uefi-nostart');
    const { task, uuid } = await create(
      onKvmA(name, {
        profile: 'windows-11',
        boot: { kind: 'iso', imageId: isoId },
        nics: [{ network: NET }],
      }),
    );
    expect(task.state).toBe('failed');
    expect(task.steps.find((st) => st.name === 'start')?.state).toBe('failed');
    expect(task.error?.message).toMatch(/not active/);
    expect(task.error?.rolledBack).toEqual(expect.arrayContaining([`domain ${name}`]));
    await expectGone(name, uuid);
  }, 60_000);

  it('Windows 11 under the accelerator the product picks for the host: it runs, or the start is refused and nothing is left', async () => {
    const facts = (await client.call('hosts.get', { id: ids['kvm-a']! })).host.facts!;
    const name = uniq('qt-uefi-auto');
    const vm = await create(
      onKvmA(name, { profile: 'windows-11', boot: { kind: 'iso', imageId: isoId } }, 'auto'),
    );
    if (vm.task.state === 'succeeded') {
      expect(domstate(vm.uuid)).toBe('running');
      const f = firmwareOf(name);
      expect(f.nvram).toBe(nvramFile(name));
      expect(f.tpm?.version).toBe('2.0');
      expect(existsSync(join(tpmDir(vm.uuid), 'tpm2'))).toBe(true);
      await client.call('vms.delete', { vmId: vm.vmId, deleteDisks: true });
    } else {
      // The host took the domain, then refused to run it: the host's own reason, and a full rollback.
      console.warn(
        `Windows 11 (UEFI, secure boot, TPM) did not start on kvm-a under ${facts.domainType}: ${vm.task.error?.message}`,
      );
      expect(vm.task.steps.find((st) => st.name === 'start')?.state).toBe('failed');
      expect(vm.task.error?.message).toBeTruthy();
      expect(vm.task.error?.rolledBack).toEqual(expect.arrayContaining([`domain ${name}`]));
    }
    await expectGone(name, vm.uuid);
  }, 120_000);

  it('Windows under kvm gets only the Hyper-V enlightenments the host offers, and runs (BIOS: no SMM needed)', async () => {
    const facts = (await client.call('hosts.get', { id: ids['kvm-a']! })).host.facts!;
    // What kvm-a's domcapabilities lists, kept with the facts by host sync.
    expect(facts.hypervFeatures).toEqual(expect.any(Array));
    if (facts.domainType !== 'kvm') {
      console.warn('kvm-a offers no kvm: the Hyper-V enlightenments are not tried');
      return;
    }
    const name = uniq('qt-hyperv');
    const vm = await create(
      onKvmA(
        name,
        { profile: 'windows-10', firmware: 'bios', boot: { kind: 'iso', imageId: isoId } },
        'auto',
      ),
    );
    expect(vm.task.error).toBeNull();
    const dom = xml.parse(virsh('dumpxml', name)) as {
      domain: {
        '@type': string;
        os: { '@firmware'?: string };
        features: { hyperv?: Record<string, unknown> };
        clock: { timer: { '@name': string }[] };
      };
    };
    expect(dom.domain['@type']).toBe('kvm');
    expect(dom.domain.os['@firmware']).toBeUndefined();
    const asked = Object.keys(dom.domain.features.hyperv ?? {}).filter((k) => !k.startsWith('@'));
    for (const feature of asked) expect(facts.hypervFeatures).toContain(feature);
    if (!facts.hypervFeatures!.includes('runtime')) {
      expect(dom.domain.clock.timer.map((t) => t['@name'])).not.toContain('hypervclock');
    }
    // Still running a moment later: QEMU accepted every enlightenment it was given.
    await new Promise((r) => setTimeout(r, 2000));
    expect(domstate(vm.uuid)).toBe('running');
    await client.call('vms.delete', { vmId: vm.vmId, deleteDisks: true });
    await expectGone(name, vm.uuid);
  }, 120_000);
});

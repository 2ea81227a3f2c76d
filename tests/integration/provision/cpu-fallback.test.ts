/**
 * The CPU fallback on the real libvirt host, as the machine allows it. Read from the host, never assumed:
 * - no usable KVM: the fallback does not apply (guests get the default model under TCG) — the KVM cases skip
 *   and say so;
 * - KVM that refuses host-passthrough (nested KVM on some AMD EPYC cloud VMs): the automatic choice meets the
 *   refusal for real and starts with the next variant;
 * - KVM that accepts it: the host is made to remember a CPU model that libvirt refuses on it (a real refusal:
 *   "the CPU is incompatible with host CPU"), so the same fallback runs against the real hypervisor.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { removeDomain, virsh } from '../../helpers/domains';
import {
  addLocalHost,
  dumpxml,
  makeCloudImage,
  MiB,
  POOL,
  removeVolume,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

/** What the host itself says about KVM and its CPU models (not through the product's parser). */
function hostKvm(): { usable: boolean; refusedModel: string | null } {
  if (!testbed) return { usable: false, refusedModel: null };
  let caps: string;
  try {
    caps = virsh('domcapabilities', '--virttype', 'kvm');
  } catch {
    return { usable: false, refusedModel: null };
  }
  const custom = /<mode name='custom' supported='yes'>([\s\S]*?)<\/mode>/.exec(caps)?.[1] ?? '';
  const refused = /<model usable='no'[^>]*>([A-Za-z0-9][A-Za-z0-9._-]*)<\/model>/.exec(custom)?.[1] ?? null;
  return { usable: caps.includes('<domain>kvm</domain>'), refusedModel: refused };
}

/** Whether an empty KVM domain with host-passthrough starts here (it does not on the MSR hosts). */
function passthroughStarts(): { ok: boolean; error: string } {
  const name = `qt-cpuprobe-${randomUUID().slice(0, 6)}`;
  const uuid = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'qhci-cpu-'));
  const file = join(dir, 'd.xml');
  writeFileSync(
    file,
    `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features>
<cpu mode='host-passthrough' check='none'/><devices><serial type='pty'/></devices></domain>`,
  );
  try {
    virsh('define', file);
    execFileSync('virsh', ['-c', 'qemu:///system', 'start', uuid], { stdio: 'pipe' });
    return { ok: true, error: '' };
  } catch (err) {
    return { ok: false, error: String((err as { stderr?: Buffer }).stderr ?? err) };
  } finally {
    removeDomain(uuid);
    rmSync(dir, { recursive: true, force: true });
  }
}

const kvm = hostKvm();
const NO_KVM = kvm.usable
  ? ''
  : '(skipped: KVM is not usable on this host, guests run under TCG: no CPU fallback applies)';

describe.skipIf(!testbed)(`the guest CPU on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId: string;
  let imageId: string;
  const volumes: string[] = [];
  const uuids: string[] = [];
  const passthrough = kvm.usable ? passthroughStarts() : { ok: false, error: '' };

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addLocalHost(t.client);
    const image = makeCloudImage();
    volumes.push(image.name);
    await t.client.call('hosts.sync', { id: hostId });
    imageId = (await t.client.call('images.list', { hostId, kind: 'cloud-image' })).find(
      (i) => i.name === image.name,
    )!.id;
  });
  afterAll(() => {
    uuids.forEach(removeDomain);
    t.dispose();
    volumes.forEach(removeVolume);
  });

  const request = (name: string, compute: Record<string, unknown> = {}) => ({
    name,
    compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB, ...compute },
    disks: [{ kind: 'new' as const, sizeBytes: 128 * MiB, pool: POOL }],
    boot: { kind: 'cloud-image' as const, imageId },
    profile: 'linux-generic' as const,
    placement: { hostId },
  });

  async function create(name: string, compute: Record<string, unknown> = {}) {
    volumes.push(`${name}-disk0.qcow2`, `${name}-cidata.iso`);
    const { taskIds } = await t.client.call('vms.create', { request: request(name, compute) });
    const task = await waitTask(t.client, taskIds[0]!);
    const vm = (await t.client.call('vms.list', {})).find((v) => v.name === name);
    const uuid = vm ? (await t.client.call('vms.get', { id: vm.id })).uuid : null;
    if (uuid) uuids.push(uuid);
    return { task, vm };
  }

  const CPU_EL = /<cpu(?=[\s/>])[^>]*?(?:\/>|>[\s\S]*?<\/cpu>)/;
  const cpuOf = (name: string) => CPU_EL.exec(dumpxml(name))?.[0] ?? '';
  const setHostCpu = (mode: string | null) =>
    t.app.inventory.db.prepare('UPDATE hosts SET cpu_mode = ? WHERE id = ?').run(mode, hostId);

  it('reports the accelerator the host itself reports', async () => {
    const h = await t.client.call('hosts.get', { id: hostId });
    expect(h.host.facts?.domainType).toBe(kvm.usable ? 'kvm' : 'qemu');
  });

  it.skipIf(!kvm.usable)(
    `falls back to the next CPU variant when the host refuses one, and the host remembers what started ${NO_KVM}`,
    async () => {
      if (passthrough.ok) {
        // This host's KVM runs host-passthrough: make it remember a model libvirt refuses here.
        expect(
          kvm.refusedModel,
          'domcapabilities lists no unusable model to force a refusal with',
        ).not.toBeNull();
        setHostCpu(`model:${kvm.refusedModel}`);
        console.info(
          `KVM accepts host-passthrough here; forcing a real refusal with model ${kvm.refusedModel}`,
        );
      } else {
        console.info(`KVM refuses host-passthrough here: ${passthrough.error.trim()}`);
      }
      const name = uniq('qt-cpu');
      const { task } = await create(name);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
      const start = task.steps.find((s) => s.name === 'start')!;
      expect(start.detail).toMatch(/refused on this host \(.+\); started with /);
      const h = await t.client.call('hosts.get', { id: hostId });
      expect(h.host.cpuMode).not.toBeNull();
      expect(h.host.cpuMode).not.toBe(passthrough.ok ? `model:${kvm.refusedModel}` : 'host-passthrough');
      expect(virsh('domstate', name).trim()).toBe('running');
      if (passthrough.ok) expect(cpuOf(name)).toMatch(/mode='host-passthrough'/);

      // The next creation starts with what worked, at once.
      const next = uniq('qt-cpu');
      const second = await create(next);
      expect(second.task.state).toBe('succeeded');
      expect(second.task.steps.find((s) => s.name === 'start')!.detail).toBe('Running');
    },
    120_000,
  );

  it.skipIf(!kvm.usable || !kvm.refusedModel)(
    `refuses an explicit CPU model the host cannot run before creating anything ${NO_KVM}`,
    async () => {
      const name = uniq('qt-cpu');
      const err = await t.client
        .call('vms.create', { request: request(name, { cpuMode: kvm.refusedModel }) })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'VALIDATION', field: 'request.compute.cpuMode' });
      expect((err as Error).message).toMatch(
        new RegExp(`CPU model ${kvm.refusedModel} is not usable on host local`),
      );
      expect(virsh('list', '--all', '--name')).not.toContain(name);
    },
  );

  it.skipIf(!kvm.usable || !kvm.refusedModel)(
    `diagnoses a VM whose start the host refuses for its CPU, and fixes it only when asked ${NO_KVM}`,
    async () => {
      setHostCpu(null);
      const name = uniq('qt-cpu');
      const { task, vm } = await create(name);
      expect(task.state).toBe('succeeded');
      // The VM's CPU becomes one this host refuses (as after moving it to another CPU generation).
      virsh('destroy', name);
      const dir = mkdtempSync(join(tmpdir(), 'qhci-cpu-'));
      const xml = virsh('dumpxml', '--inactive', name).replace(
        CPU_EL,
        `<cpu mode='custom' match='exact' check='partial'><model fallback='forbid'>${kvm.refusedModel}</model></cpu>`,
      );
      writeFileSync(join(dir, 'd.xml'), xml);
      virsh('define', join(dir, 'd.xml'));
      rmSync(dir, { recursive: true, force: true });
      await t.client.call('hosts.sync', { id: hostId });

      const err = await t.client
        .call('vms.power', { vmId: vm!.id, action: 'start' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HOST_ERROR', field: 'cpuMode' });
      expect((err as Error).message).toMatch(
        /refused the VM's CPU \(the CPU is incompatible with the host CPU/,
      );
      expect((err as Error).message).toMatch(/Use a compatible CPU mode/);
      // Not rewritten silently: still the refused model, still off.
      expect(cpuOf(name)).toContain(kvm.refusedModel!);
      expect(virsh('domstate', name).trim()).toBe('shut off');

      const fixed = await t.client.call('vms.fixCpu', { vmId: vm!.id });
      expect(fixed.state).toBe('running');
      expect(fixed.detail).toMatch(/^Started with .+ \(was CPU model /);
      expect(virsh('domstate', name).trim()).toBe('running');
      expect(cpuOf(name)).not.toContain(kvm.refusedModel!);
      // The rest of the definition is untouched: same disks.
      expect(dumpxml(name)).toContain(`${name}-disk0.qcow2`);

      // While it runs, the fix is refused with the reason.
      const again = await t.client.call('vms.fixCpu', { vmId: vm!.id }).catch((e: unknown) => e);
      expect(again).toMatchObject({ code: 'CONFLICT' });
    },
    120_000,
  );

  it('forgets the CPU mode found on a host when its CPU changes, and keeps it otherwise', async () => {
    setHostCpu('host-passthrough-compat');
    await t.client.call('hosts.sync', { id: hostId });
    expect((await t.client.call('hosts.get', { id: hostId })).host.cpuMode).toBe('host-passthrough-compat');
    // As if the host had been moved to another CPU since the last sync.
    t.app.inventory.db.prepare("UPDATE hosts SET cpu_model = 'Another CPU' WHERE id = ?").run(hostId);
    await t.client.call('hosts.sync', { id: hostId });
    expect((await t.client.call('hosts.get', { id: hostId })).host.cpuMode).toBeNull();
  });

  it('refuses host-passthrough for a VM set to run under TCG, and creates a TCG VM on any host', async () => {
    const err = await t.client
      .call('vms.create', {
        request: request(uniq('qt-cpu'), { cpuMode: 'host-passthrough', accelerator: 'tcg' }),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'request.compute.cpuMode' });
    const name = uniq('qt-cpu');
    const { task } = await create(name, { accelerator: 'tcg' });
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(dumpxml(name)).toMatch(/<domain type='qemu'/);
  }, 60_000);
});

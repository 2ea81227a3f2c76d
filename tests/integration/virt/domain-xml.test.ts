/**
 * The golden domain documents (src/main/virt/golden) are accepted by libvirt: every one by the test driver, and the
 * ones the testbed's QEMU can run (kvm only where the host offers it, UEFI/TPM only when OVMF/swtpm are there, which
 * CI requires) by the real qemu:///system. The UEFI ones under TCG are started too: libvirt picks the firmware, makes
 * the VM's NVRAM and TPM state at start, and removes them with the domain.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDomainMetadata, parseDomainXml } from '../../../src/main/virt/parse';
import { SPARE_PCIE_ROOT_PORTS } from '../../../src/main/virt/domain-xml';
import { freePcieSlots } from '../../../src/main/virt/settings/pcie';
import { node, nodes, parseXml, text } from '../../../src/main/virt/xml';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const GOLDEN = join(__dirname, '../../../src/main/virt/golden');
const FILES = readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const hasVirsh = spawnSync('virsh', ['--version']).status === 0;

interface Golden {
  readonly file: string;
  readonly path: string;
  readonly xml: string;
  readonly name: string;
  readonly uuid: string;
  readonly type: string;
  readonly uefi: boolean;
  readonly tpm: boolean;
  /** The guest profile in our metadata. */
  readonly profile: string;
}

function golden(file: string): Golden {
  const path = join(GOLDEN, file);
  const xml = readFileSync(path, 'utf8');
  const dom = node(parseXml(xml), 'domain');
  return {
    file,
    path,
    xml,
    name: text(dom, 'name') ?? '',
    uuid: text(dom, 'uuid') ?? '',
    type: text(dom, '@type') ?? '',
    uefi: text(node(dom, 'os'), '@firmware') === 'efi',
    tpm: node(node(dom, 'devices'), 'tpm') !== undefined,
    profile: text(node(node(dom, 'metadata'), 'qhci:vm'), 'qhci:profile') ?? '',
  };
}

const GOLDENS = FILES.map(golden);

function virsh(uri: string, ...args: string[]): string {
  const run = spawnSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`virsh -c ${uri} ${args.join(' ')}: ${run.stderr.trim() || run.stdout.trim()}`);
  return run.stdout;
}

/** What libvirt keeps of a definition must still be what we wrote. */
function expectSameDomain(dumped: string, g: Golden): void {
  const ours = parseDomainXml(g.xml);
  const theirs = parseDomainXml(dumped);
  expect(theirs.name).toBe(g.name);
  expect(theirs.uuid).toBe(g.uuid);
  expect(theirs.vcpus).toBe(ours.vcpus);
  expect(theirs.memoryBytes).toBe(ours.memoryBytes);
  const disk = (d: (typeof ours.disks)[number]) => [d.device, d.target, d.bus, d.source, d.format];
  expect(theirs.disks.map(disk)).toEqual(ours.disks.map(disk));
  expect(theirs.nics.map((n) => [n.source, n.model])).toEqual(ours.nics.map((n) => [n.source, n.model]));
  expect(parseDomainMetadata(dumped)).toEqual(parseDomainMetadata(g.xml));
  expect(parseDomainMetadata(dumped)).not.toBeNull();
  const graphics = nodes(node(node(parseXml(dumped), 'domain'), 'devices'), 'graphics');
  expect(graphics.map((x) => text(x, '@listen'))).toEqual(['127.0.0.1']);
}

describe.skipIf(!hasVirsh)(
  `golden domain XML on libvirt's test driver${hasVirsh ? '' : ' (virsh is missing)'}`,
  () => {
    it('has golden files to check', () => {
      expect(GOLDENS.length).toBeGreaterThanOrEqual(16);
    });

    it.each(GOLDENS.map((g) => [g.file, g] as const))('%s defines cleanly', (_file, g) => {
      // Each virsh process opens a fresh test:///default, so define and read back in one batch.
      const out = virsh('test:///default', `define ${g.path} ; dumpxml ${g.name}`);
      expect(out).toContain(`Domain '${g.name}' defined`);
      expectSameDomain(out.slice(out.indexOf('<domain')), g);
    });
  },
);

/**
 * What the testbed's libvirt offers for q35: kvm (domcapabilities for it answer), OVMF (firmware efi) and swtpm
 * (an emulator TPM backend) under TCG.
 */
function hostSupport(): { kvm: boolean; uefi: boolean; tpm: boolean } {
  const caps = node(
    parseXml(virsh('qemu:///system', 'domcapabilities', '--virttype', 'qemu', '--machine', 'q35')),
    'domainCapabilities',
  );
  const values = (parent: unknown, name: string) =>
    nodes(parent, 'enum')
      .filter((e) => text(e, '@name') === name)
      .flatMap((e) =>
        (Array.isArray(e.value) ? e.value : e.value === undefined ? [] : [e.value]).map(String),
      );
  const tpm = node(node(caps, 'devices'), 'tpm');
  const kvm = spawnSync('virsh', ['-c', 'qemu:///system', 'domcapabilities', '--virttype', 'kvm'], {
    stdio: 'ignore',
  });
  return {
    kvm: kvm.status === 0,
    uefi: values(node(caps, 'os'), 'firmware').includes('efi'),
    tpm: text(tpm, '@supported') === 'yes' && values(tpm, 'backendModel').includes('emulator'),
  };
}

/** The parts of a running domain that show its firmware and TPM. */
function liveFirmware(dumped: string) {
  const dom = node(parseXml(dumped), 'domain');
  const os = node(dom, 'os');
  const loader = node(os, 'loader');
  const tpm = node(node(dom, 'devices'), 'tpm');
  return {
    loader: text(os, 'loader') ?? null,
    loaderType: text(loader, '@type'),
    secure: text(loader, '@secure'),
    nvram: text(os, 'nvram') ?? null,
    tpm:
      tpm === undefined
        ? null
        : `${text(tpm, '@model')}/${text(node(tpm, 'backend'), '@type')}/${text(node(tpm, 'backend'), '@version')}`,
  };
}

describe.skipIf(!testbed)(`golden domain XML on the testbed's qemu:///system ${NO_TESTBED}`, () => {
  const QEMU = 'qemu:///system';
  const support = testbed ? hostSupport() : { kvm: false, uefi: false, tpm: false };
  const missing = (g: Golden) =>
    [
      g.type === 'kvm' && !support.kvm ? 'domain type kvm (the host offers no kvm)' : '',
      g.uefi && !support.uefi ? 'UEFI (no OVMF firmware in domcapabilities)' : '',
      g.tpm && !support.tpm ? 'an emulated TPM (no swtpm backend in domcapabilities)' : '',
    ].filter(Boolean);

  // CI installs ovmf, swtpm and swtpm-tools (.ci/run): there, their absence fails instead of skipping the cases.
  it.runIf(process.env.CI)('the testbed offers UEFI and an emulated TPM (CI)', () => {
    expect({ uefi: support.uefi, tpm: support.tpm }).toEqual({ uefi: true, tpm: true });
  });

  it('has UEFI and TPM goldens to check', () => {
    expect(GOLDENS.filter((g) => g.uefi && g.type === 'qemu').length).toBeGreaterThanOrEqual(3);
    expect(GOLDENS.filter((g) => g.tpm && g.type === 'qemu').length).toBeGreaterThanOrEqual(1);
  });

  for (const g of GOLDENS) {
    const why = missing(g);
    it.skipIf(why.length > 0)(
      `${g.file} defines on real libvirt${why.length ? ` (skipped: needs ${why.join(', ')})` : ''}`,
      () => {
        try {
          execFileSync('virsh', ['-c', QEMU, 'define', g.path], { stdio: 'pipe' });
          const dumped = virsh(QEMU, 'dumpxml', g.name);
          expectSameDomain(dumped, g);
          // libvirt gave the devices their ports and left the spare ones empty, for devices added live.
          expect(freePcieSlots(dumped)).toBe(SPARE_PCIE_ROOT_PORTS);
          expect(virsh(QEMU, 'domstate', g.name).trim()).toBe('shut off');
        } finally {
          spawnSync('virsh', ['-c', QEMU, 'undefine', g.uuid, '--nvram'], { stdio: 'ignore' });
        }
        expect(spawnSync('virsh', ['-c', QEMU, 'dominfo', g.uuid]).status).not.toBe(0);
      },
    );
  }

  // The UEFI goldens under TCG start (without their disks, which are not on the testbed, and with less memory):
  // libvirt picks an OVMF loader (secure boot for Windows 11), makes the VM's NVRAM and TPM state, and
  // `undefine --nvram` removes both.
  for (const g of GOLDENS.filter((x) => x.uefi && x.type === 'qemu')) {
    const why = missing(g);
    it.skipIf(why.length > 0)(
      `${g.file} starts with an OVMF loader and its own NVRAM${g.tpm ? ' and TPM state' : ''}, removed with the domain${why.length ? ` (skipped: needs ${why.join(', ')})` : ''}`,
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'qhci-golden-'));
        const path = join(dir, g.file);
        const runnable = g.xml
          .replace(/\n *<disk [^]*?<\/disk>/g, '')
          .replace(/(<(?:current)?[mM]emory unit="KiB">)\d+</g, '$1262144<');
        expect(runnable).not.toContain('<disk');
        writeFileSync(path, runnable);
        const tpmState = join('/var/lib/libvirt/swtpm', g.uuid);
        let nvram: string | null = null;
        try {
          execFileSync('virsh', ['-c', QEMU, 'define', path], { stdio: 'pipe' });
          execFileSync('virsh', ['-c', QEMU, 'start', g.name], { stdio: 'pipe' });
          expect(virsh(QEMU, 'domstate', g.name).trim()).toBe('running');
          const live = liveFirmware(virsh(QEMU, 'dumpxml', g.name));
          expect(live.loaderType).toBe('pflash');
          expect(live.loader).toMatch(/OVMF|edk2/i);
          expect(existsSync(live.loader!)).toBe(true);
          if (g.profile === 'windows-11') expect(live.secure).toBe('yes');
          nvram = live.nvram;
          expect(nvram).toBe(`/var/lib/libvirt/qemu/nvram/${g.name}_VARS.fd`);
          expect(existsSync(nvram!)).toBe(true);
          expect(live.tpm).toBe(g.tpm ? 'tpm-crb/emulator/2.0' : null);
          expect(existsSync(join(tpmState, 'tpm2'))).toBe(g.tpm);
        } finally {
          spawnSync('virsh', ['-c', QEMU, 'destroy', g.uuid], { stdio: 'ignore' });
          spawnSync('virsh', ['-c', QEMU, 'undefine', g.uuid, '--nvram'], { stdio: 'ignore' });
          rmSync(dir, { recursive: true, force: true });
        }
        expect(spawnSync('virsh', ['-c', QEMU, 'dominfo', g.uuid]).status).not.toBe(0);
        expect(existsSync(nvram!)).toBe(false);
        expect(existsSync(tpmState)).toBe(false);
      },
      30_000,
    );
  }

  // Where only the firmware or the TPM is missing, the rest of the document (the Windows devices, clock and
  // buses) is still worth proving: define it without them.
  const partial = GOLDENS.filter((g) => g.type === 'qemu' && missing(g).length > 0);
  it.each(partial.map((g) => [g.file, g] as const))(
    '%s without UEFI and TPM defines on real libvirt',
    (_file, g) => {
      const dir = mkdtempSync(join(tmpdir(), 'qhci-golden-'));
      const path = join(dir, g.file);
      const stripped = g.xml
        .replace(' firmware="efi"', '')
        .replace(/\n *<firmware>[^]*?<\/firmware>/, '')
        .replace(/\n *<tpm [^]*?<\/tpm>/, '');
      expect(stripped).not.toMatch(/efi|<tpm|<firmware>/);
      writeFileSync(path, stripped);
      try {
        execFileSync('virsh', ['-c', QEMU, 'define', path], { stdio: 'pipe' });
        expectSameDomain(virsh(QEMU, 'dumpxml', g.name), { ...g, xml: stripped });
      } finally {
        spawnSync('virsh', ['-c', QEMU, 'undefine', g.uuid, '--nvram'], { stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

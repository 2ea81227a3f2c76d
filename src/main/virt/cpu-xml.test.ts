import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPU_FALLBACK_CHAIN, type CpuVariant } from '../../shared/domain/cpu';
import { cpuVariantOf, withCpuVariant } from './cpu-xml';
import { parseDomainXml } from './parse';
import { node, parseXml, text } from './xml';

const golden = (f: string) => readFileSync(join(__dirname, 'golden', f), 'utf8');

/** libvirt's own formatting of a running domain (single quotes, a <cpu> with NUMA cells). */
const LIBVIRT_XML = `<domain type='kvm' id='3'>
  <name>web-1</name>
  <uuid>0d6f1f4e-8f0e-4c3a-9c55-4d7e1c1b2a01</uuid>
  <metadata>
    <other:cfg xmlns:other="https://example.com/other"><cpu>not this one</cpu></other:cfg>
  </metadata>
  <memory unit='KiB'>2097152</memory>
  <vcpu placement='static'>4</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'>
    <topology sockets='1' dies='1' cores='2' threads='2'/>
    <numa>
      <cell id='0' cpus='0-3' memory='2097152' unit='KiB'/>
    </numa>
  </cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
</domain>
`;

describe('cpuVariantOf', () => {
  it('reads each variant our builder writes', () => {
    expect(cpuVariantOf(golden('debian-cloud-kvm.xml'))).toBe('host-passthrough');
    expect(cpuVariantOf(golden('debian-cpu-host-passthrough-compat-kvm.xml'))).toBe(
      'host-passthrough-compat',
    );
    expect(cpuVariantOf(golden('debian-cpu-host-model-kvm.xml'))).toBe('host-model');
    expect(cpuVariantOf(golden('debian-cpu-default-kvm.xml'))).toBe('default');
    expect(cpuVariantOf(golden('debian-cpu-model-EPYC-Rome-kvm.xml'))).toBe('model:EPYC-Rome');
    expect(cpuVariantOf(golden('debian-none-qemu.xml'))).toBe('default');
  });

  it("reads libvirt's formatting and ignores a <cpu> inside another application's metadata", () => {
    expect(cpuVariantOf(LIBVIRT_XML)).toBe('host-passthrough');
    expect(cpuVariantOf(LIBVIRT_XML.replace(/<cpu mode[\s\S]*?<\/cpu>/, ''))).toBe('default');
  });
});

describe('withCpuVariant', () => {
  const variants: CpuVariant[] = [...CPU_FALLBACK_CHAIN, 'model:Skylake-Client'];

  it.each(variants)('gives %s and changes nothing but the <cpu> element', (v) => {
    const out = withCpuVariant(LIBVIRT_XML, v);
    expect(cpuVariantOf(out)).toBe(v);
    const cpu = node(node(parseXml(out), 'domain'), 'cpu');
    expect(text(node(cpu, 'topology'), '@threads')).toBe('2');
    expect(text(node(cpu, 'topology'), '@dies')).toBe('1');
    expect(out).toContain("<cell id='0' cpus='0-3' memory='2097152' unit='KiB'/>");
    // A direct child sits on its own line, two spaces in; the metadata's <cpu> does not.
    const rest = (x: string) => x.replace(/\n {2}<cpu(?=[\s/>])[^>]*?(?:\/>|>[\s\S]*?<\/cpu>)/, '');
    expect(rest(out)).toBe(rest(LIBVIRT_XML));
  });

  it('adds a <cpu> after <features> to a domain without one', () => {
    const bare = LIBVIRT_XML.replace(/\s*<cpu mode[\s\S]*?<\/cpu>/, '');
    const out = withCpuVariant(bare, 'host-passthrough-compat');
    expect(cpuVariantOf(out)).toBe('host-passthrough-compat');
    expect(out.indexOf('<cpu mode')).toBeGreaterThan(out.indexOf('</features>'));
    expect(parseDomainXml(out).name).toBe('web-1');
  });

  it('round-trips every variant through every other (a property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...variants), { minLength: 1, maxLength: 6 }), (seq) => {
        let xml = golden('debian-cloud-kvm.xml');
        for (const v of seq) xml = withCpuVariant(xml, v);
        expect(cpuVariantOf(xml)).toBe(seq[seq.length - 1]);
        expect(parseDomainXml(xml).disks).toEqual(parseDomainXml(golden('debian-cloud-kvm.xml')).disks);
      }),
      { numRuns: 60 },
    );
  });
});

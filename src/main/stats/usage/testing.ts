/** Arbitraries and builders for the usage tests: counters, what virsh prints for them, samples. */
import fc from 'fast-check';
import type { DomainCounters, UsageSample } from './counters';

export const arbName = fc.stringMatching(/^[a-z][a-z0-9 ._'-]{0,20}$/).filter((s) => !s.endsWith(' '));
export const counter = fc.option(fc.nat({ max: 2 ** 40 }), { nil: undefined });
export const arbDevice = (prefix: string) =>
  fc.record({
    name: fc.constantFrom(`${prefix}0`, `${prefix}1`, `${prefix}2`),
    inBytes: counter,
    outBytes: counter,
  });

export const arbDomain = fc.record({
  name: arbName,
  state: fc.constantFrom(1, 1, 1, 3, 5),
  cpuTimeNs: counter,
  vcpus: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  memoryKiB: counter,
  nics: fc.uniqueArray(arbDevice('vnet'), { selector: (d) => d.name, maxLength: 3 }),
  disks: fc.uniqueArray(arbDevice('vd'), { selector: (d) => d.name, maxLength: 3 }),
});

/** What virsh would print for these counters (absent fields are not printed). */
export function render(domains: readonly DomainCounters[]): string {
  const out: string[] = [];
  for (const d of domains) {
    out.push(`Domain: '${d.name}'`, `  state.state=${d.state}`, '  state.reason=1');
    if (d.cpuTimeNs !== undefined) out.push(`  cpu.time=${d.cpuTimeNs}`, '  cpu.user=0');
    if (d.memoryKiB !== undefined) out.push(`  balloon.current=${d.memoryKiB}`);
    if (d.vcpus !== undefined) out.push(`  vcpu.current=${d.vcpus}`, `  vcpu.0.time=12`);
    out.push(`  net.count=${d.nics.length}`);
    d.nics.forEach((n, i) => {
      out.push(`  net.${i}.name=${n.name}`);
      if (n.inBytes !== undefined) out.push(`  net.${i}.rx.bytes=${n.inBytes}`, `  net.${i}.rx.pkts=3`);
      if (n.outBytes !== undefined) out.push(`  net.${i}.tx.bytes=${n.outBytes}`);
    });
    out.push(`  block.count=${d.disks.length}`);
    d.disks.forEach((b, i) => {
      out.push(`  block.${i}.name=${b.name}`, `  block.${i}.path=/x/${b.name}.qcow2`);
      if (b.inBytes !== undefined) out.push(`  block.${i}.rd.bytes=${b.inBytes}`);
      if (b.outBytes !== undefined) out.push(`  block.${i}.wr.bytes=${b.outBytes}`);
    });
    out.push('');
  }
  return out.join('\n');
}

export const strip = (d: DomainCounters) => JSON.parse(JSON.stringify(d)) as DomainCounters;

export const sample = (at: number, domains: readonly DomainCounters[]): UsageSample => ({
  at,
  domains,
  node: { cpus: 8 },
  warnings: [],
});

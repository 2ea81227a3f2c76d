import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDomstats } from './parse-domstats';
import { parseNode } from './parse-node';
import { arbDomain, render, strip } from './testing';

describe('domstats parsing', () => {
  it('keeps a name with quotes and spaces whole', () => {
    const [d] = parseDomstats("Domain: 'it's a vm'\n  state.state=3\n");
    expect(d).toEqual({ name: "it's a vm", state: 3, nics: [], disks: [] });
  });

  it('reads devices listed out of order and skips unnamed ones', () => {
    const [d] = parseDomstats(
      [
        "Domain: 'a'",
        '  block.1.wr.bytes=7',
        '  block.1.name=vdb',
        '  block.0.rd.bytes=5',
        '  block.2.name=vdc',
        '  net.0.tx.bytes=1',
      ].join('\n'),
    );
    expect(d!.disks).toEqual([{ name: 'vdb', outBytes: 7 }, { name: 'vdc' }]);
    expect(d!.nics).toEqual([]);
  });

  it('reads node stats from nodeinfo alone', () => {
    expect(parseNode(null, null, 'CPU(s):              4\nMemory size:         1024 KiB\n')).toEqual({
      cpus: 4,
      memTotalKiB: 1024,
    });
  });
});

describe('domstats properties', () => {
  it('parsing what virsh prints gives back the counters', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbDomain, { selector: (d) => d.name, maxLength: 8 }), (domains) => {
        expect(parseDomstats(render(domains))).toEqual(domains.map(strip));
      }),
    );
  });
});

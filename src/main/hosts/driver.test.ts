import { describe, expect, it } from 'vitest';
import {
  collectWithVirsh,
  eventLineReader,
  parseEventLine,
  parseVolList,
  type DomainEvent,
  type VirshBatch,
} from './driver';

describe('virsh output readers', () => {
  it('vol-list columns survive spaces in names and paths', () => {
    const out = [
      ' Name        Path',
      '-------------------------------------------------------------',
      ' a b.qcow2   /var/lib/libvirt/images/qhci-testbed/a b.qcow2',
      ' base.img    /var/lib/libvirt/images/qhci-testbed/base.img',
      '',
    ].join('\n');
    expect(parseVolList(out)).toEqual([
      { name: 'a b.qcow2', path: '/var/lib/libvirt/images/qhci-testbed/a b.qcow2' },
      { name: 'base.img', path: '/var/lib/libvirt/images/qhci-testbed/base.img' },
    ]);
    expect(parseVolList(' Name   Path\n--------------\n\n')).toEqual([]);
    expect(parseVolList('garbage')).toEqual([]);
  });

  it('event lines, including names with quotes and colons, split across chunks', () => {
    expect(parseEventLine("event 'lifecycle' for domain 'web': Started Booted")).toEqual({
      event: 'lifecycle',
      domain: 'web',
      detail: 'Started Booted',
    });
    expect(parseEventLine("event 'lifecycle' for domain 'it's: odd': Defined Added")).toMatchObject({
      domain: "it's: odd",
    });
    expect(parseEventLine('events received: 3')).toBeNull();
    const seen: DomainEvent[] = [];
    const feed = eventLineReader((e) => seen.push(e));
    feed(Buffer.from("event 'lifecycle' for domain 'a': Stop"));
    feed(Buffer.from("ped Destroyed\nevent 'reboot' for domain 'b'"));
    expect(seen).toHaveLength(1);
    feed(Buffer.from('\n'));
    expect(seen.map((e) => [e.domain, e.detail])).toEqual([
      ['a', 'Stopped Destroyed'],
      ['b', ''],
    ]);
  });
});

describe('collectWithVirsh', () => {
  /** A host of n domains as virsh answers (every third shut off; domain 7 gone before its dumpxml). */
  const host = (n: number) => {
    const uuids = Array.from({ length: n }, (_, i) => `u${i}`);
    const calls: string[][][] = [];
    const batch: VirshBatch = (commands) => {
      calls.push(commands.map((c) => [...c]));
      return Promise.resolve(
        commands.map(([verb, ...args]) => {
          const last = args[args.length - 1] ?? '';
          if (verb === 'list' && args.includes('--all')) return { ok: true, out: uuids.join('\n') };
          if (verb === 'list' && last === '--state-shutoff')
            return { ok: true, out: uuids.filter((_, i) => i % 3 === 0).join('\n') };
          if (verb === 'list' && last === '--state-running')
            return { ok: true, out: uuids.filter((_, i) => i % 3 !== 0).join('\n') };
          if (verb === 'dumpxml')
            return last === 'u7'
              ? { ok: false, error: 'no domain' }
              : { ok: true, out: `<domain>${last}</domain>` };
          if (verb === 'capabilities') return { ok: true, out: '<capabilities/>' };
          return { ok: true, out: '' };
        }),
      );
    };
    return { batch, calls };
  };

  it('hands each domain on as its chunk arrives, in order, the same as it returns', async () => {
    const { batch, calls } = host(230);
    const seen: string[] = [];
    const raw = await collectWithVirsh(batch, {}, undefined, {
      onDomain: (d) => seen.push(`${d.uuid}:${d.state}:${d.xml}`),
    });
    const all = raw.domains.map((d) => `${d.uuid}:${d.state}:${d.xml}`);
    expect(all).toHaveLength(229);
    expect(new Set(seen)).toEqual(new Set(all));
    expect(all[0]).toBe('u0:shutoff:<domain>u0</domain>');
    expect(all[1]).toBe('u1:running:<domain>u1</domain>');
    // Four readers, about four chunks each (at least 25 domains a chunk).
    const chunks = calls.filter((c) => c[0]?.[0] === 'dumpxml');
    expect(chunks.length).toBe(Math.ceil(230 / 25));
    expect(chunks.flat().map((c) => c[2])).toEqual(Array.from({ length: 230 }, (_, i) => `u${i}`));
  });

  it('crowded: reads the host first, then the domains, as one reader', async () => {
    const { batch, calls } = host(60);
    const raw = await collectWithVirsh(batch, {}, undefined, { crowded: true, onDomain: () => undefined });
    expect(raw.domains).toHaveLength(59);
    const verbs = calls.map((c) => c[0]?.[0]);
    // Host facts first, then the lists, then the XML in chunks of at least 25.
    expect(verbs.indexOf('list')).toBeGreaterThan(verbs.indexOf('capabilities'));
    expect(calls.filter((c) => c[0]?.[0] === 'dumpxml').map((c) => c.length)).toEqual([25, 25, 10]);
  });
});

import { describe, expect, it } from 'vitest';
import { eventLineReader, parseEventLine, parseVolList, type DomainEvent } from './driver';

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

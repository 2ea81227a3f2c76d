import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isExposed,
  listenLabel,
  listensOnAllAddresses,
  parseGraphicsXml,
  type GraphicsDevice,
} from './graphics';

const domain = (graphics: string) =>
  `<domain type='qemu'><name>x</name><devices>${graphics}<video/></devices></domain>`;
const one = (graphics: string): GraphicsDevice => {
  const all = parseGraphicsXml(domain(graphics));
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('graphics devices of a live domain', () => {
  it('reads the VNC display our wizard writes, once the VM runs (libvirt 9 live XML)', () => {
    const g = one(
      `<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'>
         <listen type='address' address='127.0.0.1'/>
       </graphics>`,
    );
    expect(g).toEqual({
      type: 'vnc',
      port: 5901,
      listen: { kind: 'address', address: '127.0.0.1' },
      passwordRequired: false,
    });
    expect(listensOnAllAddresses(g)).toBe(false);
    expect(isExposed(g)).toBe(false);
    expect(listenLabel(g)).toBe('127.0.0.1');
  });

  it('has no port before the VM runs (autoport, port -1) or when the port is garbage', () => {
    expect(one(`<graphics type='vnc' port='-1' autoport='yes'/>`).port).toBeNull();
    expect(one(`<graphics type='vnc' autoport='yes'/>`).port).toBeNull();
    expect(one(`<graphics type='vnc' port='70000'/>`).port).toBeNull();
    expect(one(`<graphics type='vnc' port='59x1'/>`).port).toBeNull();
  });

  it('takes the older listen attribute when there is no listen element', () => {
    const g = one(`<graphics type='vnc' port='5900' listen='0.0.0.0'/>`);
    expect(g.listen).toEqual({ kind: 'address', address: '0.0.0.0' });
    expect(listensOnAllAddresses(g)).toBe(true);
    expect(isExposed(g)).toBe(true);
  });

  it('counts every wildcard form as all addresses, and loopback ones as not exposed', () => {
    for (const a of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']) {
      const g = one(`<graphics type='vnc' port='5900'><listen type='address' address='${a}'/></graphics>`);
      expect([a, listensOnAllAddresses(g), isExposed(g)]).toEqual([a, true, true]);
    }
    for (const a of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) {
      const g = one(`<graphics type='vnc' port='5900'><listen type='address' address='${a}'/></graphics>`);
      expect([a, listensOnAllAddresses(g), isExposed(g)]).toEqual([a, false, false]);
    }
  });

  it('counts a LAN address as exposed though it is not every address', () => {
    const g = one(`<graphics type='vnc' port='5900' listen='192.168.1.20'/>`);
    expect(listensOnAllAddresses(g)).toBe(false);
    expect(isExposed(g)).toBe(true);
  });

  it("leaves an address-less listener to QEMU's default (loopback)", () => {
    const g = one(`<graphics type='vnc' port='5900'><listen type='address'/></graphics>`);
    expect(g.listen).toEqual({ kind: 'address', address: null });
    expect(isExposed(g)).toBe(false);
    expect(listenLabel(g)).toBeNull();
  });

  it('counts a network listener as exposed, with the address libvirt filled in', () => {
    const g = one(
      `<graphics type='vnc' port='5900' listen='192.168.122.1'>
         <listen type='network' address='192.168.122.1' network='default'/>
       </graphics>`,
    );
    expect(g.listen).toEqual({ kind: 'network', network: 'default', address: '192.168.122.1' });
    expect(listensOnAllAddresses(g)).toBe(true);
    expect(isExposed(g)).toBe(true);
    expect(listenLabel(one(`<graphics type='vnc'><listen type='network' network='lan'/></graphics>`))).toBe(
      'network lan',
    );
  });

  it('reads a unix socket listener (the element, or the older attribute), without a port', () => {
    const path = '/var/lib/libvirt/qemu/domain-4-x/vnc.sock';
    const g = one(
      `<graphics type='vnc' socket='${path}' port='5900'><listen type='socket' socket='${path}'/></graphics>`,
    );
    expect(g).toMatchObject({ port: null, listen: { kind: 'socket', path } });
    expect(isExposed(g)).toBe(false);
    expect(one(`<graphics type='vnc' socket='${path}'/>`).listen).toEqual({ kind: 'socket', path });
  });

  it('reads a listener of type none', () => {
    const g = one(`<graphics type='vnc'><listen type='none'/></graphics>`);
    expect(g.listen).toEqual({ kind: 'none' });
    expect(isExposed(g)).toBe(false);
  });

  it('says a password is set (from --security-info XML) without keeping it', () => {
    const g = one(`<graphics type='vnc' port='5900' passwd='s3cret' listen='127.0.0.1'/>`);
    expect(g.passwordRequired).toBe(true);
    expect(JSON.stringify(g)).not.toContain('s3cret');
  });

  it('tells SPICE and VNC apart and keeps the order of the devices', () => {
    const all = parseGraphicsXml(
      domain(
        `<graphics type='spice' port='5900' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics>
         <graphics type='vnc' port='5901' websocket='5700' listen='127.0.0.1'/>`,
      ),
    );
    expect(all.map((g) => [g.type, g.port])).toEqual([
      ['spice', 5900],
      ['vnc', 5901],
    ]);
  });

  it('finds nothing in a domain without graphics or in what is not a domain', () => {
    expect(parseGraphicsXml(domain(''))).toEqual([]);
    expect(parseGraphicsXml('<pool/>')).toEqual([]);
    expect(parseGraphicsXml('not xml at all <<<')).toEqual([]);
  });

  it('never throws on hostile attribute values and listen elements', () => {
    const value = fc
      .string({ maxLength: 40 })
      .map((s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;'));
    const listen = fc.record({ type: value, address: value, socket: value, network: value });
    fc.assert(
      fc.property(
        fc.record({ type: value, port: value, listen: value, passwd: value, socket: value }),
        fc.array(listen, { maxLength: 3 }),
        (g, ls) => {
          const attrs = Object.entries(g)
            .map(([k, v]) => `${k}='${v}'`)
            .join(' ');
          const children = ls
            .map(
              (l) =>
                `<listen ${Object.entries(l)
                  .map(([k, v]) => `${k}='${v}'`)
                  .join(' ')}/>`,
            )
            .join('');
          const all = parseGraphicsXml(domain(`<graphics ${attrs}>${children}</graphics>`));
          for (const d of all) {
            expect(typeof listensOnAllAddresses(d)).toBe('boolean');
            expect(typeof isExposed(d)).toBe('boolean');
            listenLabel(d);
            if (d.port !== null) expect(d.port).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseGraphicsXml(s);
        parseGraphicsXml(domain(s));
      }),
    );
  });
});

import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HostDriver } from '../hosts/driver';
import { parseGraphicsXml } from '../virt/graphics';
import { displayTarget, openDisplay } from './display';
import type { SocketTarget } from './types';

const xml = (graphics: string) => `<domain><name>web</name><devices>${graphics}</devices></domain>`;
const WIZARD_VNC = `<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'>
  <listen type='address' address='127.0.0.1'/></graphics>`;

/** A VNC server end that offers `types` once the probe answers its greeting. */
function vncServer(types: number[]): Duplex {
  const s = new Duplex({
    read() {},
    write(_chunk, _enc, cb) {
      this.push(Buffer.from([types.length, ...types]));
      cb();
    },
  });
  s.push(Buffer.from('RFB 003.008\n'));
  return s;
}

function fakeDriver(state: string, domainXml: string, types = [1]) {
  const opened: SocketTarget[] = [];
  const driver = {
    kind: 'ssh',
    lostWithConnection: () => false,
    virsh: async (args: readonly string[]) => (args[0] === 'domstate' ? `${state}\n` : domainXml),
    openSocket: async (t: SocketTarget) => {
      opened.push(t);
      return vncServer(types);
    },
  } as unknown as HostDriver;
  return { driver, opened };
}

describe('the graphical console', () => {
  it('opens the display where the live XML says, after asking the server what it requires', async () => {
    const { driver, opened } = fakeDriver('running', xml(WIZARD_VNC));
    const { stream, info } = await openDisplay(driver, 'u-1');
    expect(info).toEqual({ exposed: false, listen: '127.0.0.1', passwordRequired: false });
    // One connection for the probe, one for the page.
    expect(opened).toEqual([
      { host: '127.0.0.1', port: 5901 },
      { host: '127.0.0.1', port: 5901 },
    ]);
    stream.close();
    expect(await stream.whyEnded()).toEqual({ reason: 'closed', message: 'Closed' });
  });

  it('says when the display asks for a password, and when it is exposed', async () => {
    const { driver, opened } = fakeDriver(
      'paused',
      xml(`<graphics type='vnc' port='5902' listen='0.0.0.0'/>`),
      [2],
    );
    const { info } = await openDisplay(driver, 'u-1');
    expect(info).toEqual({ exposed: true, listen: '0.0.0.0', passwordRequired: true });
    expect(opened[0]).toEqual({ host: '127.0.0.1', port: 5902 });
  });

  it('refuses clearly: a stopped VM, no display, SPICE only, no port yet, TLS only', async () => {
    const cases: [string, string, number[], object][] = [
      [
        'shut off',
        WIZARD_VNC,
        [1],
        { code: 'CONFLICT', message: 'The VM is not running (shut off): start it to see its screen' },
      ],
      ['running', '', [1], { code: 'UNSUPPORTED', message: 'This VM has no graphical display' }],
      [
        'running',
        `<graphics type='spice' port='5900'/>`,
        [1],
        { code: 'UNSUPPORTED', message: expect.stringMatching(/SPICE only.*VNC/) },
      ],
      [
        'running',
        `<graphics type='vnc' port='-1' autoport='yes'/>`,
        [1],
        { code: 'CONFLICT', message: expect.stringMatching(/no port yet/) },
      ],
      ['running', WIZARD_VNC, [19], { code: 'UNSUPPORTED', message: expect.stringMatching(/requires TLS/) }],
    ];
    for (const [state, graphics, types, error] of cases) {
      await expect(openDisplay(fakeDriver(state, xml(graphics), types).driver, 'u-1')).rejects.toMatchObject(
        error,
      );
    }
  });

  it('connects to loopback for a wildcard listener and to the socket of a socket listener', () => {
    const target = (g: string) => displayTarget(parseGraphicsXml(xml(g))[0]!);
    expect(target(`<graphics type='vnc' port='5900' listen='::'/>`)).toEqual({ host: '::1', port: 5900 });
    expect(target(`<graphics type='vnc' port='5900' listen='192.168.1.5'/>`)).toEqual({
      host: '192.168.1.5',
      port: 5900,
    });
    expect(target(`<graphics type='vnc'><listen type='socket' socket='/run/v.sock'/></graphics>`)).toEqual({
      path: '/run/v.sock',
    });
    expect(
      target(
        `<graphics type='vnc' port='5900'><listen type='network' network='default' address='192.168.122.1'/></graphics>`,
      ),
    ).toEqual({ host: '192.168.122.1', port: 5900 });
  });
});

/**
 * Console sessions end to end in main, on the real libvirt host reached two ways (a libvirt-URI host and the
 * SSH host onto the same libvirtd): consoles.open through the app's dispatch, the stream attached to a
 * MessagePort as a transport attaches it, bytes read on the far end of the port as the page would. Proves
 * that several consoles run at once, that each ends for the right reason, and that closing them leaves no
 * channel, socket or process behind.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { nodePortEnd } from '../../../src/main/consoles/node-port';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { parseStreamDown, type StreamDown } from '../../../src/shared/ipc/streams';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { startConsoleDomain } from '../../helpers/console-domain';
import { removeDomain, virsh } from '../../helpers/domains';
import { addLocalHost, addSshHost } from '../../helpers/provision';
import { NO_TESTBED } from '../../helpers/testbed';

/** The page's end of a console port: keeps what arrives, acknowledges it at once. */
class PageEnd {
  readonly chunks: Buffer[] = [];
  end: Extract<StreamDown, { t: 'end' }> | null = null;
  closed = false;
  constructor(readonly port: MessagePort) {
    port.on('message', (m: unknown) => {
      const msg = parseStreamDown(m);
      if (msg?.t === 'data') {
        this.chunks.push(Buffer.from(msg.b));
        port.postMessage({ t: 'ack', n: msg.b.byteLength });
      } else if (msg?.t === 'end') this.end = msg;
    });
    port.once('close', () => (this.closed = true));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
  send(s: string): void {
    const b = new TextEncoder().encode(s).buffer;
    this.port.postMessage({ t: 'data', b }, [b]);
  }
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `virsh console` processes on this machine for a domain (the SSH host's run here too, over loopback). */
function consoleProcesses(uuid: string): number {
  try {
    return execFileSync('pgrep', ['-f', `console --force --domain ${uuid}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe.skipIf(NO_TESTBED)('console sessions on real hosts', () => {
  let app: App;
  let client: QhciClient;
  let dataDir: string;
  let hostIds: { local: string; ssh: string };
  const doms: { uuid: string; name: string }[] = [];

  /** The VM id of a domain as the given host's inventory knows it. */
  const vmOn = async (hostId: string, uuid: string) => {
    await client.call('hosts.sync', { id: hostId });
    const vm = (await client.call('vms.list', { hostId })).find((v) => app.repos.vms.uuid(v.id) === uuid);
    if (!vm) throw new Error(`domain ${uuid} not in the inventory of ${hostId}`);
    return vm.id;
  };

  const open = async (vmId: string, kind: 'vnc' | 'serial') => {
    const opened = await client.call('consoles.open', { vmId, kind, cols: 100, rows: 30 });
    const { port1, port2 } = new MessageChannel();
    app.consoles.attach(opened.sessionId, nodePortEnd(port1), 'test');
    return { opened, page: new PageEnd(port2) };
  };

  const streamsOpen = async () => {
    const [l, s] = await Promise.all([app.hosts.driverFor(hostIds.local), app.hosts.driverFor(hostIds.ssh)]);
    return l.openStreams + s.openStreams;
  };

  beforeAll(async () => {
    dataDir = tempDir();
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      consoles: { attachTimeoutMs: 1500 },
    });
    client = createClient(inProcessBridge(app));
    hostIds = { local: await addLocalHost(client), ssh: await addSshHost(client, 'kvm-a') };
    doms.push(startConsoleDomain(), startConsoleDomain());
  }, 60_000);

  afterAll(() => {
    for (const d of doms) removeDomain(d.uuid);
    app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs four consoles at once on two hosts, and closing them leaves nothing open', async () => {
    const [a, b] = [doms[0]!, doms[1]!];
    const aLocal = await vmOn(hostIds.local, a.uuid);
    const aSsh = await vmOn(hostIds.ssh, a.uuid);
    const bLocal = await vmOn(hostIds.local, b.uuid);
    const sessions = await Promise.all([
      open(aLocal, 'vnc'),
      open(aSsh, 'vnc'),
      open(aSsh, 'serial'),
      open(bLocal, 'serial'),
    ]);
    expect(app.consoles.count()).toBe(4);
    expect(await streamsOpen()).toBe(4);
    // Both displays answer with the RFB greeting; the local display says it listens on loopback only.
    await until(
      'RFB greetings',
      () => sessions[0].page.text().startsWith('RFB 003.') && sessions[1].page.text().startsWith('RFB 003.'),
    );
    expect(sessions[0].opened.display).toMatchObject({ exposed: false, listen: '127.0.0.1' });
    expect(consoleProcesses(a.uuid)).toBeGreaterThan(0);
    expect(consoleProcesses(b.uuid)).toBeGreaterThan(0);

    for (const s of sessions) await client.call('consoles.close', { sessionId: s.opened.sessionId });
    await until('ports closed', () => sessions.every((s) => s.page.closed));
    await until('streams closed', () => app.consoles.count() === 0);
    await until('channels and sockets closed', async () => (await streamsOpen()) === 0);
    await until(
      'virsh console processes gone',
      () => consoleProcesses(a.uuid) + consoleProcesses(b.uuid) === 0,
    );
  });

  it('says so when another session takes the serial console over', async () => {
    const b = doms[1]!;
    const first = await open(await vmOn(hostIds.local, b.uuid), 'serial');
    await new Promise((r) => setTimeout(r, 500));
    const second = await open(await vmOn(hostIds.ssh, b.uuid), 'serial');
    await until('the first session ends', () => first.page.end !== null);
    expect(first.page.end).toMatchObject({ reason: 'taken-over' });
    expect(second.page.end).toBeNull();
    await client.call('consoles.close', { sessionId: second.opened.sessionId });
    await until('all closed', () => app.consoles.count() === 0);
  });

  it('closes a stream nobody attached in time', async () => {
    const vmId = await vmOn(hostIds.ssh, doms[0]!.uuid);
    await client.call('consoles.open', { vmId, kind: 'vnc' });
    expect(app.consoles.count()).toBe(1);
    await until('the unattached session closes', () => app.consoles.count() === 0, 5000);
    await until('its channel closes', async () => (await streamsOpen()) === 0, 5000);
  });

  it('closes everything a window held when the window goes', async () => {
    const vmId = await vmOn(hostIds.local, doms[0]!.uuid);
    const opened = await client.call('consoles.open', { vmId, kind: 'vnc' });
    const { port1, port2 } = new MessageChannel();
    app.consoles.attach(opened.sessionId, nodePortEnd(port1), 'window:7');
    const page = new PageEnd(port2);
    app.consoles.closeOwner('window:7');
    await until('the port closes', () => page.closed);
    expect(app.consoles.count()).toBe(0);
  });

  it('ends a display session with "vm-stopped" when the VM is powered off, and refuses a stopped VM', async () => {
    const a = doms[0]!;
    const vmId = await vmOn(hostIds.ssh, a.uuid);
    const { page } = await open(vmId, 'vnc');
    await until('RFB greeting', () => page.text().startsWith('RFB 003.'));
    virsh('destroy', a.uuid);
    await until('the session ends', () => page.end !== null);
    expect(page.end).toMatchObject({ reason: 'vm-stopped' });
    await expect(client.call('consoles.open', { vmId, kind: 'vnc' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/not running/),
    });
    await expect(client.call('consoles.open', { vmId, kind: 'serial' })).rejects.toMatchObject({
      message: expect.stringMatching(/not running/),
    });
    virsh('start', a.uuid);
  });

  it('takes a screenshot through either host', async () => {
    for (const hostId of [hostIds.local, hostIds.ssh]) {
      const shot = await client.call('vms.screenshot', { vmId: await vmOn(hostId, doms[1]!.uuid) });
      const png = Buffer.from(shot.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(shot.width).toBeGreaterThan(300);
      expect(shot.height).toBeGreaterThan(200);
    }
  });

  it('refuses bad requests clearly and changes nothing', async () => {
    const vmId = await vmOn(hostIds.local, doms[1]!.uuid);
    const { opened } = await open(vmId, 'vnc');
    await expect(
      client.call('consoles.resize', { sessionId: opened.sessionId, cols: 80, rows: 24 }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      client.call('consoles.resize', {
        sessionId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70',
        cols: 80,
        rows: 24,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // An unknown session closes quietly (its port may have closed it first).
    await expect(
      client.call('consoles.close', { sessionId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' }),
    ).resolves.toEqual({ closed: true });
    await client.call('consoles.close', { sessionId: opened.sessionId });
    expect(app.consoles.count()).toBe(0);
  });
});

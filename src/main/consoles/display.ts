/**
 * A VM's graphical console: the VNC display's byte stream, opened through the host's driver (a forwarded
 * channel on an SSH host's connection, a local socket for a hypervisor on this workstation).
 */
import type { Duplex } from 'node:stream';
import type { DisplayInfo } from '../../shared/domain/console';
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';
import {
  isExposed,
  listenLabel,
  listensOnAllAddresses,
  parseGraphicsXml,
  type GraphicsDevice,
} from '../virt/graphics';
import { judgeSecurity, probeRfb } from './rfb-probe';
import type { ConsoleStream, SocketTarget, StreamEnd } from './types';
import { domainState, notRunning, qemuRuns, stateAfterEnd, stoppedMessage } from './vm-state';

/** The running VM's VNC display, or an AppError saying why there is none to open. */
async function liveVnc(driver: HostDriver, uuid: string): Promise<GraphicsDevice> {
  const state = await domainState(driver, uuid);
  if (!qemuRuns(state)) throw notRunning(state, 'see its screen');
  const devices = parseGraphicsXml(await driver.virsh(['dumpxml', '--domain', uuid], { timeoutMs: 30_000 }));
  const vnc = devices.find((g) => g.type === 'vnc');
  if (!vnc) {
    if (devices.some((g) => g.type === 'spice')) {
      throw new AppError(
        'UNSUPPORTED',
        "This VM's display is SPICE only; the console needs a VNC display (add VNC graphics to the VM)",
      );
    }
    throw new AppError('UNSUPPORTED', 'This VM has no graphical display');
  }
  return vnc;
}

/**
 * Where to connect, as the host sees it. A display on every address is reached on the host's loopback (the
 * same server, and no need for the host's outside address).
 */
export function displayTarget(g: GraphicsDevice): SocketTarget {
  const l = g.listen;
  if (l.kind === 'socket') {
    if (l.path === null)
      throw new AppError('CONFLICT', "The VM's display has no socket yet; try again in a moment");
    return { path: l.path };
  }
  if (l.kind === 'none')
    throw new AppError('UNSUPPORTED', "This VM's display does not listen (listen type none)");
  if (g.port === null)
    throw new AppError('CONFLICT', "The VM's display has no port yet; try again in a moment");
  const address = l.address?.replace(/^\[(.*)\]$/, '$1') ?? null;
  if (l.kind === 'network' && address === null)
    throw new AppError(
      'CONFLICT',
      "The VM's display has no address on its network yet; try again in a moment",
    );
  // QEMU's default address is loopback.
  if (address === null) return { host: '127.0.0.1', port: g.port };
  if (l.kind === 'address' && listensOnAllAddresses(g))
    return { host: address.includes(':') ? '::1' : '127.0.0.1', port: g.port };
  return { host: address, port: g.port };
}

export async function openDisplay(
  driver: HostDriver,
  uuid: string,
): Promise<{ stream: ConsoleStream; info: DisplayInfo }> {
  const vnc = await liveVnc(driver, uuid);
  const target = displayTarget(vnc);
  // A first connection only asks the server what it requires (password, TLS): the page's comes next.
  const { problem, passwordRequired } = judgeSecurity(await probeRfb(await driver.openSocket(target)));
  if (problem) throw new AppError(problem.refused ? 'HOST_ERROR' : 'UNSUPPORTED', problem.message);
  const socket = await driver.openSocket(target);
  return {
    stream: displayStream(driver, uuid, socket),
    info: { exposed: isExposed(vnc), listen: listenLabel(vnc) ?? '', passwordRequired },
  };
}

function displayStream(driver: HostDriver, uuid: string, socket: Duplex): ConsoleStream {
  let closedHere = false;
  let failure: Error | null = null;
  socket.on('error', (err: Error) => {
    failure ??= err;
  });
  return {
    stream: socket,
    async whyEnded(): Promise<StreamEnd> {
      if (closedHere) return { reason: 'closed', message: 'Closed' };
      if (driver.lostWithConnection(socket))
        return { reason: 'host-lost', message: 'The connection to the host was lost' };
      const now = await stateAfterEnd(driver, uuid);
      if (now.kind === 'lost') return { reason: 'host-lost', message: now.message };
      if (now.kind === 'stopped') return { reason: 'vm-stopped', message: stoppedMessage(now.state) };
      if (failure) return { reason: 'error', message: `The display connection failed: ${failure.message}` };
      return { reason: 'closed', message: "The VM's display closed the connection" };
    },
    close() {
      if (closedHere) return;
      closedHere = true;
      socket.destroy();
      // An ssh2 channel emits 'close' (and stops being counted) only once its input has been read.
      socket.resume();
    },
  };
}

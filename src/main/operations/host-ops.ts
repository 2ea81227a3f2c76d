/**
 * The host operations creation needs, over either kind of driver: volumes, uploads, define, start, undefine,
 * and the guest agent. Every argument goes to virsh as its own argv element (quoted for SSH by the driver),
 * and every name or path as the value of its option (`--pool P --vol NAME`, `--domain UUID`, `--file PATH`):
 * virsh reads a positional `--vol=x` as an option, quoted or not (see virshArgsProblem).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';
import { virshErrorText } from '../hosts/virsh';

/** The addresses `virsh domifaddr` prints ("vnet0  52:54:…  ipv4  192.168.122.31/24"). */
export function parseDomifaddr(out: string): string[] {
  const ips: string[] = [];
  for (const line of out.split('\n')) {
    const m = /\s(ipv4|ipv6)\s+(\S+)\/\d+/.exec(line);
    if (m && !m[2]!.startsWith('127.') && m[2] !== '::1' && !m[2]!.startsWith('fe80')) ips.push(m[2]!);
  }
  return ips;
}

/** virsh refusing because the thing is not there (undo of something that never got created). */
export function isNotFound(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /not found|no storage vol|failed to get (vol|domain)|no domain with matching|does not exist/i.test(
    m,
  );
}

export function isAlreadyExists(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /exists already|already exists/i.test(m);
}

/** Upload chunk: each is one virsh call, so progress moves at least this often. */
const UPLOAD_CHUNK = 32 * 1024 ** 2;

export class HostOps {
  constructor(readonly driver: HostDriver) {}

  private virsh(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }) {
    return this.driver.virsh(args, opts);
  }

  /**
   * Runs virsh with `data` readable at the path it is given: /dev/stdin where virsh runs on the host over
   * SSH (a pipe), a private temporary file where virsh runs here (node gives a child a socket, not a pipe,
   * and virsh cannot open a socket as /dev/stdin).
   */
  async withInput<T>(data: string | Buffer, run: (path: string, stdin?: string | Buffer) => Promise<T>) {
    if (this.driver.kind === 'ssh') return run('/dev/stdin', data);
    return withPrivateFiles({ input: data }, (paths) => run(paths.input!));
  }

  /**
   * Puts `data` into a private file on an SSH host, in one exec (a directory of its own from mktemp -d,
   * umask 077): a virsh command that then names that file runs in the host's long-lived virsh session, where
   * data on stdin would need a virsh process of its own (over SSH ~40–90 ms more on the testbed). Resolves
   * with the file's path; dropStaged removes it (and its directory).
   */
  async stageOnHost(data: string | Buffer, name = 'data'): Promise<string> {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new AppError('INTERNAL', `Bad staged file name ${name}`);
    const script = 'umask 077 && d=$(mktemp -d) && cat >"$d/$0" && printf %s "$d/$0"';
    const r = await this.driver.exec(['sh', '-c', script, name], { stdin: data, timeoutMs: 10 * 60_000 });
    const path = r.stdout.trim();
    if (r.code !== 0 || !path.startsWith('/')) {
      throw new AppError('HOST_ERROR', `Cannot write a temporary file on the host: ${r.stderr.trim()}`);
    }
    return path;
  }

  /** Removes a file stageOnHost wrote, with its directory. */
  async dropStaged(path: string): Promise<void> {
    const dir = path.replace(/\/[^/]*$/, '');
    await this.driver.exec(['rm', '-rf', '--', dir]).catch(() => undefined);
  }

  /**
   * Runs a command that reads `data` from a file, the file private: staged on an SSH host (stageOnHost; not
   * waited for when removed), a temporary file here otherwise. Either way, with no data on stdin, the command
   * can go to the host's virsh session.
   */
  async withHostFile<T>(data: string | Buffer, run: (path: string) => Promise<T>): Promise<T> {
    if (this.driver.kind !== 'ssh') return withPrivateFiles({ input: data }, (paths) => run(paths.input!));
    const path = await this.stageOnHost(data);
    try {
      return await run(path);
    } finally {
      void this.dropStaged(path);
    }
  }

  /** define through withHostFile: one command in the host's virsh session. */
  async defineInSession(xml: string): Promise<void> {
    await this.withHostFile(xml, (file) => this.virsh(['define', '--file', file]));
  }

  /** define from a file stageOnHost wrote before: one command in the host's virsh session. */
  async defineStaged(path: string): Promise<void> {
    await this.virsh(['define', '--file', path]);
  }

  /**
   * Several commands in one virsh process (one round trip). virsh goes on after a failing command, so use it
   * only where later commands are harmless when an earlier one failed. Returns each command's result.
   */
  async batch(commands: readonly (readonly string[])[], stdin?: string | Buffer) {
    return this.driver.virshBatch(commands, {
      timeoutMs: 30 * 60_000,
      ...(stdin !== undefined ? { stdin } : {}),
    });
  }

  /** The argv of vol-create-as for one volume. */
  static createArgs(v: {
    pool: string;
    name: string;
    capacityBytes: number;
    format: 'qcow2' | 'raw';
    thick?: boolean;
    backing?: { path: string; format: string };
  }): string[] {
    if (v.name.startsWith('-')) {
      throw new AppError('VALIDATION', `Volume name "${v.name}" may not start with "-"`, 'name');
    }
    const args = [
      'vol-create-as',
      '--pool',
      v.pool,
      '--name',
      v.name,
      '--capacity',
      String(v.capacityBytes),
      '--format',
      v.format,
    ];
    if (v.thick) args.push('--allocation', String(v.capacityBytes));
    if (v.backing) args.push('--backing-vol', v.backing.path, '--backing-vol-format', v.backing.format);
    return args;
  }

  /** The argv of vol-path for one volume. */
  static pathArgs(pool: string, name: string): string[] {
    return ['vol-path', '--pool', pool, '--vol', name];
  }

  /** Fills a volume from a file that is already on the host (a seed built there). */
  async uploadFromHost(pool: string, name: string, path: string): Promise<void> {
    await this.virsh(['vol-upload', '--pool', pool, '--vol', name, '--file', path], {
      timeoutMs: 10 * 60_000,
    });
  }

  async volumeExists(pool: string, name: string): Promise<boolean> {
    try {
      await this.virsh(['vol-info', '--pool', pool, '--vol', name]);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async volumePath(pool: string, name: string): Promise<string> {
    return (await this.virsh(HostOps.pathArgs(pool, name))).trim();
  }

  async refreshPool(pool: string): Promise<void> {
    await this.virsh(['pool-refresh', '--pool', pool]);
  }

  /**
   * A new volume. A qcow2 with a backing file is an overlay at the given capacity. Thick disks are raw and
   * fully allocated; thin ones qcow2.
   */
  async createVolume(v: {
    pool: string;
    name: string;
    capacityBytes: number;
    format: 'qcow2' | 'raw';
    thick?: boolean;
    backing?: { path: string; format: string };
  }): Promise<string> {
    await this.virsh(HostOps.createArgs(v), { timeoutMs: 30 * 60_000 });
    return this.volumePath(v.pool, v.name);
  }

  /** Deletes the volume at a path (virsh finds its pool). Absent counts as done. */
  async deleteVolumeAt(path: string): Promise<'deleted' | 'absent'> {
    try {
      await this.virsh(['vol-delete', '--vol', path], { timeoutMs: 10 * 60_000 });
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  async deleteVolume(pool: string, name: string): Promise<'deleted' | 'absent'> {
    try {
      await this.virsh(['vol-delete', '--pool', pool, '--vol', name], { timeoutMs: 10 * 60_000 });
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  /** Writes bytes into an existing volume through libvirt's stream, in chunks, reporting progress. */
  async uploadBytes(
    pool: string,
    name: string,
    data: Buffer,
    onProgress?: (done: number, total: number) => void,
    /** Where in the volume `data` starts. */
    base = 0,
  ): Promise<void> {
    let offset = 0;
    do {
      const chunk = data.subarray(offset, offset + UPLOAD_CHUNK);
      const at = base + offset;
      await this.withInput(chunk, (file, stdin) =>
        this.virsh(
          [
            'vol-upload',
            '--pool',
            pool,
            '--vol',
            name,
            '--file',
            file,
            '--offset',
            String(at),
            '--length',
            String(chunk.length),
          ],
          { stdin, timeoutMs: 10 * 60_000 },
        ),
      );
      offset += chunk.length;
      onProgress?.(offset, data.length);
    } while (offset < data.length);
  }

  /** The bytes of a volume's file (what vol-download sends). */
  async physicalBytes(pool: string, name: string): Promise<number> {
    const out = await this.virsh(['vol-info', '--pool', pool, '--vol', name, '--bytes', '--physical']);
    const m = /Physical:\s+(\d+)/.exec(out) ?? /Allocation:\s+(\d+)/.exec(out);
    if (!m) throw new AppError('HOST_ERROR', `Cannot read the size of volume ${pool}/${name}`);
    return Number(m[1]);
  }

  /** One piece of a volume's file through libvirt's stream. */
  async downloadChunk(pool: string, name: string, offset: number, length: number): Promise<Buffer> {
    // Our runners return text: the bytes travel base64-encoded, through a private temp file so that a
    // failing virsh fails the whole command. Values are positional parameters, never part of the script.
    const script =
      't=$(mktemp) || exit 1; trap \'rm -f "$t"\' EXIT; ' +
      'virsh -c "$0" vol-download --pool "$1" --vol "$2" --file "$t" --offset "$3" --length "$4" ' +
      '>/dev/null || exit 1; ' +
      'base64 -w0 "$t"';
    const r = await this.driver.exec(
      ['sh', '-c', script, this.driver.uri, pool, name, String(offset), String(length)],
      { timeoutMs: 30 * 60_000 },
    );
    if (r.code !== 0) throw new AppError('HOST_ERROR', `virsh vol-download: ${virshErrorText(r.stderr)}`);
    return Buffer.from(r.stdout.trim(), 'base64');
  }

  /** Removes a file that is in no pool (a memory file, an NVRAM file); absent counts as done. */
  async removeFile(path: string): Promise<void> {
    const r = await this.driver.exec(['rm', '-f', '--', path]);
    if (r.code !== 0) throw new AppError('HOST_ERROR', `Cannot remove ${path}: ${r.stderr.trim()}`);
  }

  /** sha256 of a volume's file, computed where the file is. */
  async sha256(path: string): Promise<string> {
    const r = await this.driver.exec(['sha256sum', '--', path], { timeoutMs: 60 * 60_000 });
    if (r.code !== 0) throw new AppError('HOST_ERROR', `sha256sum failed: ${r.stderr.trim()}`);
    return r.stdout.trim().split(/\s+/)[0] ?? '';
  }

  async define(xml: string): Promise<void> {
    await this.withInput(xml, (file, stdin) => this.virsh(['define', '--file', file], { stdin }));
  }

  async start(uuid: string): Promise<void> {
    await this.virsh(['start', '--domain', uuid], { timeoutMs: 5 * 60_000 });
  }

  async domainState(uuid: string): Promise<string | null> {
    try {
      return (await this.virsh(['domstate', '--domain', uuid])).trim();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Stops (hard) and undefines a domain with its nvram and TPM state. Absent counts as done. */
  async removeDomain(uuid: string): Promise<'removed' | 'absent'> {
    const state = await this.domainState(uuid);
    if (state === null) return 'absent';
    if (state !== 'shut off') {
      try {
        await this.virsh(['destroy', '--domain', uuid]);
      } catch (err) {
        if (!/not running|domain is not running/i.test(String(err))) throw err;
      }
    }
    try {
      await this.virsh(['undefine', '--domain', uuid, '--nvram', '--managed-save', '--snapshots-metadata']);
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      // Older libvirt, or a driver without nvram support: plain undefine.
      if (/nvram|unsupported|not supported/i.test(String(err)))
        await this.virsh(['undefine', '--domain', uuid]);
      else throw err;
    }
    return 'removed';
  }

  /** The guest's addresses as its agent reports them (null while the agent does not answer). */
  async agentAddresses(uuid: string): Promise<string[] | null> {
    try {
      return parseDomifaddr(
        await this.virsh(['domifaddr', '--domain', uuid, '--source', 'agent'], { timeoutMs: 15_000 }),
      );
    } catch (err) {
      // The agent not answering yet is expected; a host that cannot be reached is a failure.
      if (/agent|guest/i.test((err as Error).message)) return null;
      throw err;
    }
  }

  /** Runs a command in the guest through the agent (guest-exec) and returns its stdout, or null. */
  async guestExec(
    uuid: string,
    path: string,
    args: readonly string[],
  ): Promise<{ code: number; out: string } | null> {
    try {
      const started = await this.virsh(
        [
          'qemu-agent-command',
          '--domain',
          uuid,
          '--cmd',
          JSON.stringify({ execute: 'guest-exec', arguments: { path, arg: args, 'capture-output': true } }),
        ],
        { timeoutMs: 15_000 },
      );
      const pid = (JSON.parse(started) as { return: { pid: number } }).return.pid;
      for (let i = 0; i < 50; i++) {
        const st = JSON.parse(
          await this.virsh(
            [
              'qemu-agent-command',
              '--domain',
              uuid,
              '--cmd',
              JSON.stringify({ execute: 'guest-exec-status', arguments: { pid } }),
            ],
            { timeoutMs: 15_000 },
          ),
        ) as { return: { exited: boolean; exitcode?: number; 'out-data'?: string } };
        if (st.return.exited) {
          return {
            code: st.return.exitcode ?? -1,
            out: Buffer.from(st.return['out-data'] ?? '', 'base64').toString('utf8'),
          };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return null;
    } catch (err) {
      if (/agent|guest/i.test((err as Error).message)) return null;
      throw err;
    }
  }
}

/** Writes the files (mode 0600) into a private temporary directory, runs `use`, always removes them. */
async function withPrivateFiles<T>(
  files: Readonly<Record<string, string | Buffer>>,
  use: (paths: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qhci-in-'));
  try {
    const paths: Record<string, string> = {};
    for (const [name, data] of Object.entries(files)) {
      paths[name] = join(dir, name);
      await writeFile(paths[name], data, { mode: 0o600 });
    }
    return await use(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A private sshd for one test (its own address, host key and lifetime), to stop and start at will. */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { testbed } from './testbed';

export class PrivateSshd {
  private proc: ChildProcess | null = null;
  readonly fingerprint: string;

  constructor(
    readonly dir: string,
    readonly address: string,
    readonly port: number,
    readonly uri: string,
    extraConfig: readonly string[] = [],
  ) {
    mkdirSync(dir, { recursive: true });
    const key = join(dir, 'host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    this.fingerprint = execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        // sshd takes the first value of a keyword: the extra lines override the defaults below.
        ...extraConfig,
        `ListenAddress ${address}:${port}`,
        `HostKey ${key}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(testbed!.stateDir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'MaxSessions 64',
        `SetEnv LIBVIRT_DEFAULT_URI=${uri}`,
        '',
      ].join('\n'),
    );
  }

  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true });
    this.proc = spawn(
      '/usr/sbin/sshd',
      ['-D', '-f', join(this.dir, 'sshd_config'), '-E', join(this.dir, 'sshd.log')],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await this.listening()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `sshd on ${this.address}:${this.port} did not start: ${readFileSync(join(this.dir, 'sshd.log'), 'utf8')}`,
    );
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    // Kill every session the listener forked, then the listener: as if the host went away.
    const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
    const victims: number[] = [];
    const walk = (pid: number) => {
      for (const [child, parent] of table) if (parent === pid) walk(child);
      victims.push(pid);
    };
    walk(p.pid!);
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once('exit', r)));
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = createConnection({ host: this.address, port: this.port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
  }
}

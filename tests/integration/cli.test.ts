/** The qhci tool as a user runs it: a real process, the real services, a temporary data directory. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/app';
import { ed25519Key } from '../helpers/ssh-keys';
import { writeFileSync } from 'node:fs';

const dataDir = tempDir('qhci-cli-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function qhci(args: string[], input?: string) {
  const r = spawnSync(join(REPO_ROOT, 'bin/qhci'), ['--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('qhci', () => {
  it('manages folders and prints the tree', () => {
    expect(qhci(['folder', 'create', '/Production']).code).toBe(0);
    expect(qhci(['folder', 'create', '/Production/Web']).out).toContain('Created /Production/Web');
    expect(qhci(['folder', 'create', '/Staging']).code).toBe(0);
    expect(qhci(['folder', 'move', '/Production/Web', '/Staging']).out).toContain('Moved to /Staging/Web');
    const tree = qhci(['folder', 'tree']);
    expect(tree.out.split('\n')).toEqual(['/', '  Production', '  Staging', '    Web', '']);
    const json = JSON.parse(qhci(['--json', 'folder', 'tree']).out);
    expect(json.children.map((c: { path: string }) => c.path)).toEqual(['/Production', '/Staging']);
  });

  it('creates a spec with a password from stdin and never prints or stores it', () => {
    const keyFile = join(dataDir, 'id.pub');
    writeFileSync(keyFile, `${ed25519Key('cli@test')}\n`);
    const r = qhci(
      [
        'spec',
        'create',
        'Linux-Production',
        '--timezone',
        'America/New_York',
        '--hostname',
        '{{.VMName}}-{{.Random}}',
        '--install-agent',
        '--ssh-key-file',
        keyFile,
        '--password-stdin',
      ],
      'cli-secret-password-123\n',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('admin password: set');
    expect(r.out).not.toContain('cli-secret-password-123');
    const list = JSON.parse(qhci(['--json', 'spec', 'list']).out);
    expect(list[0]).toMatchObject({ name: 'Linux-Production', adminPasswordSet: true, installAgent: true });
    const db = Buffer.concat(
      ['qhci.db', 'qhci.db-wal'].map((f) => {
        try {
          return readFileSync(join(dataDir, f));
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );
    expect(db.includes(Buffer.from('cli-secret-password-123'))).toBe(false);
  });

  it('prints the AppError message and exits non-zero on bad input', () => {
    const bad = qhci(['spec', 'create', 'X', '--timezone', 'Mars/Base']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Not a known IANA time zone');
    const dup = qhci(['folder', 'create', '/production']);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('already exists');
    const missing = qhci(['folder', 'delete', '/Nope']);
    expect(missing.code).toBe(1);
    expect(qhci(['bogus']).code).toBe(2);
  });

  it('--json errors are machine-readable', () => {
    const r = qhci(['--json', 'folder', 'create', '/a/b/c']);
    expect(JSON.parse(r.err)).toEqual({ error: { code: 'NOT_FOUND', message: 'No folder at /a/b' } });
  });

  it('uses the same inventory the app would (schema version reported)', () => {
    const info = JSON.parse(qhci(['--json', 'info']).out);
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(info.dataDir).toBe(dataDir);
    expect(execFileSync('ls', [dataDir], { encoding: 'utf8' })).toContain('qhci.db');
  });
});

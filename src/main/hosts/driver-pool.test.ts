import { describe, expect, it } from 'vitest';
import type { DriverSpec } from './credentials';
import { DriverPool } from './driver-pool';
import { MemorySecretStore } from './secrets';
import { KnownHosts } from './known-hosts';

const spec: DriverSpec = {
  kind: 'libvirt',
  uri: 'test:///default',
  address: null,
  port: null,
  username: null,
  auth: null,
};
const ctx = { knownHosts: new KnownHosts('/nonexistent/known_hosts'), secrets: new MemorySecretStore() };

describe('DriverPool', () => {
  it('keeps one driver per host, refuses an unknown host, and opens none once closed', () => {
    const pool = new DriverPool((id) => (id === 'h1' ? spec : undefined), ctx);
    const d = pool.get('h1');
    expect(pool.get('h1')).toBe(d);
    expect(() => pool.get('nope')).toThrow(/Host nope does not exist/);
    pool.drop('h1');
    expect(pool.get('h1')).not.toBe(d);
    pool.close();
    expect(pool.closed).toBe(true);
    expect(() => pool.get('h1')).toThrow(/closing/);
  });

  it('adopts a driver already connected in place of the one it had', () => {
    const pool = new DriverPool(() => spec, ctx);
    const first = pool.get('h1');
    let closed = false;
    const original = first.close.bind(first);
    first.close = () => {
      closed = true;
      original();
    };
    const adopted = pool.get('h2');
    pool.put('h1', adopted);
    expect(closed).toBe(true);
    expect(pool.get('h1')).toBe(adopted);
    pool.close();
  });
});

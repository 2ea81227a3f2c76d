/**
 * Connecting to a proposed host connection before anything of it is kept: its secrets and a newly trusted
 * host key stay in memory until the host has answered. Shared by adding a host, editing its connection and
 * the connection test of the add dialog; also the checks made before a host is added (its key, local libvirt).
 */
import type { StoredAuth } from '../../shared/domain/host';
import type { ParsedInput } from '../../shared/ipc/contract';
import { createDriver, type DriverContext, type DriverSpec } from '../hosts/credentials';
import type { HostDriver } from '../hosts/driver';
import type { KnownHosts, StagedKnownHosts } from '../hosts/known-hosts';
import { MemorySecretStore, type SecretStore } from '../hosts/secrets';
import { probeHostKey } from '../hosts/ssh-connection';
import { nodeFacts } from '../virt/parse';

/** A host's connection settings as the user gives them (with its secrets). */
export type ConnectionInput = ParsedInput<'hosts.add'>['connection'];

/** Puts the secrets of a connection into a store and returns the auth record that refers to them. */
function storeAuth(hostId: string, c: ConnectionInput, store: SecretStore): StoredAuth | null {
  if (c.kind !== 'ssh') return null;
  const a = c.auth;
  if (a.method === 'password') {
    const ref = `host:${hostId}:password`;
    store.set(ref, a.password);
    return { method: 'password', passwordRef: ref };
  }
  if (a.method === 'key') {
    if (a.passphrase === undefined) return { method: 'key', keyFile: a.keyFile };
    const ref = `host:${hostId}:passphrase`;
    store.set(ref, a.passphrase);
    return { method: 'key', keyFile: a.keyFile, passphraseRef: ref };
  }
  return a.socket === undefined ? { method: 'agent' } : { method: 'agent', socket: a.socket };
}

function specOf(c: ConnectionInput, auth: StoredAuth | null): DriverSpec {
  return c.kind === 'libvirt'
    ? { kind: 'libvirt', uri: c.uri, address: null, port: null, username: null, auth: null }
    : {
        kind: 'ssh',
        uri: c.uri,
        address: c.address,
        port: c.port,
        username: c.user,
        auth,
        allowSha1: c.allowSha1 === true,
      };
}

/** Removes the secrets a host's connection refers to. */
export function forgetSecrets(secrets: SecretStore, hostId: string): void {
  secrets.delete(`host:${hostId}:password`);
  secrets.delete(`host:${hostId}:passphrase`);
}

/** A driver for a proposed connection, whose secrets and new trust live only in memory. */
interface StagedDriver {
  readonly spec: DriverSpec;
  readonly driver: HostDriver;
  readonly secrets: MemorySecretStore;
  readonly trust: StagedKnownHosts;
}

/** Builds (without connecting) the driver of a proposed connection for the host `hostId`. */
export function stagedDriver(
  ctx: DriverContext,
  hostId: string,
  connection: ConnectionInput,
  acceptFingerprint: string | undefined,
): StagedDriver {
  const secrets = new MemorySecretStore();
  const trust = ctx.knownHosts.staged();
  const spec = specOf(connection, storeAuth(hostId, connection, secrets));
  const driver = createDriver(spec, { ...ctx, secrets, trust }, acceptFingerprint);
  return { spec, driver, secrets, trust };
}

/**
 * The staged connect of adding a host and of editing its connection: connects with the proposed settings,
 * then lets `save` write the host's row with the new spec, and only once both succeeded replaces the host's
 * stored secrets with the new ones and trusts a newly accepted key. On any failure nothing is kept and the
 * driver is closed; on success the caller owns the connected driver.
 */
export async function connectStaged(
  ctx: DriverContext,
  hostId: string,
  connection: ConnectionInput,
  acceptFingerprint: string | undefined,
  save: (spec: DriverSpec) => void,
): Promise<HostDriver> {
  const { spec, driver, secrets, trust } = stagedDriver(ctx, hostId, connection, acceptFingerprint);
  try {
    await driver.connect();
    save(spec);
  } catch (err) {
    driver.close();
    throw err;
  }
  forgetSecrets(ctx.secrets, hostId);
  secrets.copyTo(ctx.secrets);
  trust.commit();
  return driver;
}

/** Connects once with the given settings and reports what the host is, without saving anything. */
export async function testConnection(
  ctx: DriverContext,
  input: { connection: ConnectionInput; acceptFingerprint?: string | undefined },
) {
  // Nothing of a test stays behind: secrets and a newly trusted key live only for this connection.
  const { driver } = stagedDriver(ctx, 'test', input.connection, input.acceptFingerprint);
  try {
    await driver.connect();
    const raw = await driver.collect();
    return {
      facts: nodeFacts(raw),
      domains: raw.domains.length,
      pools: raw.pools.length,
      networks: raw.networks.length,
    };
  } finally {
    driver.close();
  }
}

/** The SSH host key a server presents, checked against known_hosts, for the trust prompt. */
export async function probeKey(knownHosts: KnownHosts, address: string, port: number, allowSha1 = false) {
  const check = await probeHostKey(address, port, knownHosts, undefined, allowSha1);
  return check.status === 'changed'
    ? {
        status: check.status,
        fingerprint: check.fingerprint,
        keyType: check.keyType,
        trusted: check.trusted,
      }
    : {
        status: check.status,
        fingerprint: check.fingerprint,
        keyType: check.status === 'unknown' ? check.keyType : '',
        trusted: [],
      };
}

/** Whether the workstation's own libvirt answers at `uri`. */
export async function localLibvirtAnswers(ctx: DriverContext, uri: string): Promise<boolean> {
  const probe = createDriver(
    { kind: 'libvirt', uri, address: null, port: null, username: null, auth: null },
    ctx,
  );
  try {
    await probe.virsh(['uri'], { timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

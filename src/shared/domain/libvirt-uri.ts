/**
 * The libvirt URIs the console accepts, parsed strictly. libvirt URIs can run programs and read files on the
 * workstation (`qemu+ext://?command=`, `qemu+ssh://?command=` or `netcat=`, a `%2F…` user part that the
 * ssh command line turns into a path) and switch host-key checking off (`no_verify`, `known_hosts_verify`).
 * So a URI is accepted only when every part of it is one we know to be harmless:
 *
 * - drivers: qemu (/system, /session) and test (/default or an absolute *.xml file: the test driver's
 *   node description, which the testbed and the tests use); nothing else manages VMs for this console.
 * - transports: none or unix (this workstation), ssh and libssh (host keys through the console's own
 *   known_hosts, see LibvirtDriver), tls, and tcp (plain libvirtd protocol: it runs nothing here, the tests
 *   use it for an unreachable host). Refused: ext (runs a program by design) and libssh2 (libssh does the
 *   same job; one SSH library is enough to check).
 * - user and host: plain names and addresses, as typed; no percent-encoding anywhere in the URI, no leading
 *   `-` (ssh would read it as an option).
 * - query keys, per transport: `keyfile` (ssh, libssh: a private key on this workstation, absolute path),
 *   `sshauth` (libssh: which methods, from libvirt's list), `pkipath` (tls: the certificate directory).
 *   Every other key is refused, among them command, netcat, socket, no_verify, no_tty, known_hosts,
 *   known_hosts_verify, proxy, mode, name: the console sets what it needs itself.
 *
 * Pure: used by the contract (src/shared/domain/host.ts) and again by main before a saved URI is used.
 */

export const LIBVIRT_DRIVERS = ['qemu', 'test'] as const;
export type LibvirtUriDriver = (typeof LIBVIRT_DRIVERS)[number];

/** 'local': no transport given (qemu:///system). */
export const LIBVIRT_TRANSPORTS = ['local', 'unix', 'ssh', 'libssh', 'tls', 'tcp'] as const;
export type LibvirtTransport = (typeof LIBVIRT_TRANSPORTS)[number];

export interface LibvirtUriParts {
  readonly driver: LibvirtUriDriver;
  readonly transport: LibvirtTransport;
  readonly user: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export type LibvirtUriCheck =
  { readonly ok: true; readonly uri: LibvirtUriParts } | { readonly ok: false; readonly reason: string };

const QUERY_KEYS: Readonly<Record<LibvirtTransport, readonly string[]>> = {
  local: [],
  unix: [],
  ssh: ['keyfile'],
  libssh: ['keyfile', 'sshauth'],
  tls: ['pkipath'],
  tcp: [],
};

const SSH_AUTH_METHODS = ['agent', 'privkey', 'password', 'keyboard-interactive'];

const USER = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
/** An absolute path of plain characters, without `.`/`..` segments. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_.+@,-]+)+\/?$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

function plainPath(p: string): boolean {
  return PLAIN_PATH.test(p) && !DOT_SEGMENT.test(p) && p.length <= 4096;
}

const fail = (reason: string): LibvirtUriCheck => ({ ok: false, reason });

/** Parses a libvirt URI and checks it against the rules above; `reason` names what is refused. */
export function checkLibvirtUri(uri: string): LibvirtUriCheck {
  if (uri.length > 1024) return fail('The URI is too long (at most 1024 characters)');
  // eslint-disable-next-line no-control-regex
  const odd = /[\u0000-\u0020\u007f-\uffff'"`\\<>{}|^]/.exec(uri);
  if (odd)
    return fail(`The URI may not contain ${JSON.stringify(odd[0])} (spaces, quotes or control characters)`);
  if (uri.includes('%')) return fail('Percent-encoding (%) is not accepted anywhere in a libvirt URI');
  if (uri.includes('#')) return fail('A libvirt URI has no #fragment');

  const head = /^([A-Za-z][A-Za-z0-9]*)(?:\+([A-Za-z0-9]+))?:\/\/(.*)$/.exec(uri);
  if (!head) return fail('Not a libvirt URI (for example qemu:///system or qemu+ssh://user@host/system)');
  const driver = head[1]!.toLowerCase();
  const given = head[2]?.toLowerCase();
  const transportName = given ?? 'local';
  const rest = head[3]!;
  if (!(LIBVIRT_DRIVERS as readonly string[]).includes(driver)) {
    return fail(`The driver "${driver}" is not supported (only qemu and test)`);
  }
  if (transportName === 'ext') {
    return fail('The ext transport runs a program on this workstation and is refused');
  }
  if (given === 'local' || !(LIBVIRT_TRANSPORTS as readonly string[]).includes(transportName)) {
    return fail(
      `The transport "${transportName}" is not supported (only unix, ssh, libssh, tls and tcp, or none)`,
    );
  }
  const transport = transportName as LibvirtTransport;

  const q = rest.indexOf('?');
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const queryText = q < 0 ? null : rest.slice(q + 1);
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '' : beforeQuery.slice(slash);

  // Authority: [user@]host[:port]
  let user: string | null = null;
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    user = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    if (!USER.test(user)) {
      return fail(
        `The user "${user}" is not a plain user name (letters, digits, _ . -, not starting with - or a digit)`,
      );
    }
  }
  let host: string | null = null;
  let port: number | null = null;
  if (hostPort !== '') {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
    if (!m) return fail(`"${hostPort}" is not a host name or address with an optional :port`);
    host = m[1]!;
    if (!(HOSTNAME.test(host) && host.length <= 253) && !IPV6.test(host)) {
      return fail(`The host "${host}" is not a plain host name or IP address`);
    }
    if (m[2] !== undefined) {
      port = Number(m[2]);
      if (port < 1 || port > 65535) return fail(`The port ${m[2]} is not 1-65535`);
    }
  }
  const local = transport === 'local' || transport === 'unix';
  if (local && (host !== null || user !== null)) {
    return fail(`A ${transport === 'unix' ? 'unix' : 'local'} URI names no user or host (qemu:///system)`);
  }
  if (!local && host === null)
    return fail(`A ${transport} URI needs a host (${driver}+${transport}://host/…)`);

  // Path, per driver.
  if (driver === 'qemu') {
    if (path !== '/system' && path !== '/session') {
      return fail(`The qemu driver's path must be /system or /session, not "${path || '(none)'}"`);
    }
  } else if (!local) {
    return fail('The test driver is accepted only as a local URI (test:///default)');
  } else if (path !== '/default') {
    if (!plainPath(path) || !path.endsWith('.xml')) {
      return fail(
        `The test driver's path must be /default or an absolute plain path to an .xml file, not "${path || '(none)'}"`,
      );
    }
  }

  // Query: key=value pairs from the transport's short list, each once.
  const query: Record<string, string> = {};
  if (queryText !== null) {
    const allowed = QUERY_KEYS[transport];
    for (const pair of queryText.split('&')) {
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      if (key === '') return fail('The URI has an empty query parameter');
      if (!allowed.includes(key)) {
        const list = allowed.length ? `only ${allowed.join(', ')}` : 'none';
        return fail(`The URI parameter "${key}" is refused (${transport} URIs accept ${list})`);
      }
      if (Object.hasOwn(query, key)) return fail(`The URI parameter "${key}" is given twice`);
      const problem = valueProblem(key, value);
      if (problem) return fail(problem);
      query[key] = value;
    }
  }
  return { ok: true, uri: { driver, transport, user, host, port, path, query } as LibvirtUriParts };
}

function valueProblem(key: string, value: string): string | null {
  if (key === 'keyfile' || key === 'pkipath') {
    return plainPath(value) ? null : `${key} must be an absolute path of plain characters`;
  }
  if (key === 'sshauth') {
    const methods = value.split(',');
    return value !== '' && methods.every((m) => SSH_AUTH_METHODS.includes(m))
      ? null
      : `sshauth must be a comma-separated list of ${SSH_AUTH_METHODS.join(', ')}`;
  }
  return `The URI parameter "${key}" is refused`;
}

/** Why the console refuses a libvirt URI, or null when it accepts it. */
export function libvirtUriProblem(uri: string): string | null {
  const r = checkLibvirtUri(uri);
  return r.ok ? null : r.reason;
}

/** A URI whose libvirt is on the machine that opens it (no host part): what virsh on an SSH host uses. */
export function isLocalLibvirtUri(parts: LibvirtUriParts): boolean {
  return parts.transport === 'local' || parts.transport === 'unix';
}

/** Whether connecting runs an SSH client against the URI's host (whose key the console must check). */
export function usesSsh(parts: LibvirtUriParts): boolean {
  return parts.transport === 'ssh' || parts.transport === 'libssh';
}

/**
 * The SSH server whose host key a host's connection meets: an SSH host's own address, or the host of a
 * libvirt URI over ssh or libssh; null when nothing SSH is involved.
 */
export function sshKeyEndpoint(h: {
  readonly kind: 'ssh' | 'libvirt';
  readonly uri: string;
  readonly address: string | null;
  readonly port: number | null;
}): { readonly address: string; readonly port: number } | null {
  if (h.kind === 'ssh') return h.address && h.port ? { address: h.address, port: h.port } : null;
  const r = checkLibvirtUri(h.uri);
  if (!r.ok || !usesSsh(r.uri) || r.uri.host === null) return null;
  return { address: r.uri.host, port: r.uri.port ?? 22 };
}

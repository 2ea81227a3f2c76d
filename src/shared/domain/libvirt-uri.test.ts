import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLibvirtUri, libvirtUriProblem } from './libvirt-uri';

describe('checkLibvirtUri', () => {
  it.each([
    ['qemu:///system', { driver: 'qemu', transport: 'local', host: null, path: '/system' }],
    ['qemu:///session', { path: '/session' }],
    ['qemu+unix:///system', { transport: 'unix' }],
    ['test:///default', { driver: 'test', path: '/default' }],
    ['test:///tmp/qhci-testbed/sim-b.xml', { path: '/tmp/qhci-testbed/sim-b.xml' }],
    ['qemu+ssh://user@host/system', { transport: 'ssh', user: 'user', host: 'host', port: null }],
    ['qemu+ssh://root@kvm-1.example.com:2222/system', { host: 'kvm-1.example.com', port: 2222 }],
    [
      'qemu+ssh://10.0.0.5/system?keyfile=/home/me/.ssh/id_ed25519',
      { query: { keyfile: '/home/me/.ssh/id_ed25519' } },
    ],
    [
      'qemu+libssh://qhci@127.0.0.2:2222/system?keyfile=/tmp/qhci-testbed/client_ed25519&sshauth=privkey',
      { transport: 'libssh', query: { keyfile: '/tmp/qhci-testbed/client_ed25519', sshauth: 'privkey' } },
    ],
    ['qemu+libssh://h/system?sshauth=agent,privkey', { query: { sshauth: 'agent,privkey' } }],
    ['qemu+tls://[fe80::1]:16514/system?pkipath=/etc/pki/qhci', { host: '[fe80::1]', port: 16514 }],
    ['qemu+tcp://127.0.0.1:1/system', { transport: 'tcp', host: '127.0.0.1', port: 1 }],
    ['QEMU+SSH://h/system', { driver: 'qemu', transport: 'ssh' }],
  ])('accepts %s', (uri, parts) => {
    const r = checkLibvirtUri(uri);
    expect(r).toMatchObject({ ok: true, uri: parts });
  });

  it.each([
    // programs on this workstation
    ['qemu+ext:///system?command=/tmp/x.sh', /ext transport/],
    ['qemu+ssh://x@127.0.0.1/system?command=/bin/sh', /"command" is refused/],
    ['qemu+ssh://h/system?netcat=/tmp/nc', /"netcat" is refused/],
    ['qemu+libssh2://h/system', /"libssh2" is not supported/],
    ['qemu+ssh://h/system?mode=legacy', /"mode" is refused/],
    ['qemu+ssh://h/system?socket=/x', /"socket" is refused/],
    ['qemu+ssh://h/system?proxy=native', /"proxy" is refused/],
    ['qemu:///system?socket=/tmp/s', /"socket" is refused \(local URIs accept none\)/],
    // host keys
    ['qemu+ssh://h/system?no_verify=1', /"no_verify" is refused/],
    ['qemu+libssh://h/system?known_hosts_verify=ignore', /"known_hosts_verify" is refused/],
    ['qemu+libssh://h/system?known_hosts=/dev/null', /"known_hosts" is refused/],
    ['qemu+tls://h/system?no_verify=1', /"no_verify" is refused/],
    ['qemu+ssh://h/system?no_tty=1', /"no_tty" is refused/],
    ['qemu+ssh://h/system?NO_VERIFY=1', /"no_verify" is refused/],
    // odd user parts and hosts
    ['qemu+ssh://%2Ftmp%2Fx@h/system', /Percent-encoding/],
    ['qemu+ssh://h%2Fx/system', /Percent-encoding/],
    ['qemu+ssh://-oProxyCommand=x@h/system', /user "-oProxyCommand=x" is not a plain user name/],
    ['qemu+ssh://u@-oProxyCommand=x/system', /host "-oProxyCommand=x"/],
    ['qemu+ssh://a@b@h/system', /user "a@b"/],
    ['qemu+ssh://u@h;id/system', /host "h;id"/],
    ['qemu+ssh://u@h:0/system', /port 0/],
    ['qemu+ssh://u@h:99999/system', /port 99999/],
    ['qemu+ssh://u@h:x/system', /not a host name/],
    ['qemu+ssh:///system', /needs a host/],
    ['qemu://h/system', /local URI names no user or host/],
    ['qemu+unix://u@/system', /unix URI names no user or host/],
    // paths, values, shape
    ['qemu:///', /must be \/system or \/session/],
    ['qemu:///system/../x', /must be \/system or \/session/],
    ['qemu+ssh://h', /must be \/system or \/session, not "\(none\)"/],
    ['test:///etc/passwd', /\.xml file/],
    ['test:///tmp/../etc/x.xml', /\.xml file/],
    ['test+ssh://h/default', /only as a local URI/],
    ['xen:///system', /driver "xen" is not supported/],
    ['lxc:///', /driver "lxc"/],
    ['qemu+ssh://h/system?keyfile=rel/key', /keyfile must be an absolute path/],
    ['qemu+ssh://h/system?keyfile=/a&keyfile=/b', /given twice/],
    ['qemu+libssh://h/system?sshauth=gssapi', /sshauth must be/],
    ['qemu+ssh://h/system?&', /empty query parameter/],
    ['qemu:///system#x', /fragment/],
    ["qemu:///system'", /may not contain/],
    ['qemu:///system\n', /may not contain/],
    ['qemu:///system ', /may not contain/],
    ['qemu:/system', /Not a libvirt URI/],
    ['', /Not a libvirt URI/],
  ])('refuses %s', (uri, reason) => {
    const r = checkLibvirtUri(uri);
    expect(r.ok).toBe(false);
    expect(libvirtUriProblem(uri)).toMatch(reason);
  });

  it('refuses every query key outside the short list, whatever the transport', () => {
    const transports = ['', '+unix', '+ssh', '+libssh', '+tls', '+tcp'];
    fc.assert(
      fc.property(
        fc.constantFrom(...transports),
        fc.stringMatching(/^[a-z_]{1,16}$/),
        fc.stringMatching(/^[A-Za-z0-9/=._-]{0,20}$/),
        (t, key, value) => {
          const host = t === '' || t === '+unix' ? '' : 'h';
          const r = checkLibvirtUri(`qemu${t}://${host}/system?${key}=${value}`);
          if (!['keyfile', 'sshauth', 'pkipath'].includes(key)) {
            expect(r.ok).toBe(false);
            if (!r.ok) expect(r.reason).toContain(`"${key}"`);
          }
        },
      ),
    );
  });

  it('never accepts a URI with a percent sign, a quote, a space or a control character', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('%', "'", '"', ' ', '\n', '\t', '\u0000', '`', '\\'),
        fc.string({ maxLength: 30 }),
        (a, bad, b) => {
          expect(checkLibvirtUri(`qemu+ssh://${a}${bad}${b}`).ok).toBe(false);
        },
      ),
    );
  });

  it('an accepted URI has only plain parts (property over arbitrary strings)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        for (const uri of [s, `qemu+ssh://${s}`, `qemu:///${s}`, `qemu+ssh://u@h/system?${s}`]) {
          const r = checkLibvirtUri(uri);
          if (!r.ok) continue;
          const { user, host, path, query } = r.uri;
          expect(user === null || /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(user)).toBe(true);
          expect(host === null || /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)$/.test(host)).toBe(true);
          expect(['/system', '/session', '/default'].includes(path) || path.endsWith('.xml')).toBe(true);
          for (const k of Object.keys(query)) expect(['keyfile', 'sshauth', 'pkipath']).toContain(k);
        }
      }),
    );
  });
});

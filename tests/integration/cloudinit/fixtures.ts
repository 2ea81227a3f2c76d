/** Fixed inputs for the seed tests: real keys and a real hash, so golden files stay byte-stable. */
import { GUEST_PROFILES } from '../../../src/shared/domain/guest-profiles';
import type { SeedInput, SeedSpec } from '../../../src/main/cloudinit/seed';

export const ALICE_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJavVY/WD9jVB2jHKuLbN32oba1n3/h9MEiEusYYPq5Q alice@laptop';
export const BOB_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC4iDFRdslBg8oSsk3998Kh+h28pBVh4mp8ZhtMMKOVlk4UdsmMnIU7P60SuvvfgPjTsxEZSmiImoj33nRaPLVF/GubRU7Nz2I/fzwvcVtzAO2QNmzwLTH1J9irLKdBU2MSzp+mzKxQWd6jAq5+Lx3zb0Fz+B0jqulFSCsyka7RNj0PTxYLgNezn2bXG45FhfM2N8haXDdY8dErgEQMOVmhiyJPRXjLh93/locGijnWHoUZF82oFFwArj045Z8B/FNQQMLMVR5iD5oVOa/M4qVnKfByKFGNASLKiH454NcmAsUV0a33bYF6ymAg71O/lNG54ww8mTEFO1wkyxROc+01 bob@desk';

export const PASSWORD = 'correct horse battery staple';
/** hashPassword(PASSWORD), fixed so the golden files do not change with the random salt. */
export const PASSWORD_HASH =
  '$6$m4rvz9tuwaYmQv7x$tB9zbwxH6xxpJmanj0MFIYIpgTrzf.6dch7uN03vXiyNqkMonHkDKu2N8vH.vrmTsMsMBV2Qzc.8euJkdksSP0';

export const AGENT = {
  url: 'https://downloads.example.com/qhci-agent/1.2.3/qhci-agent-linux-amd64',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
};

export const EMPTY_SPEC: SeedSpec = {
  hostnameTemplate: '{{.VMName}}',
  timezone: 'UTC',
  sshKeys: [],
  passwordHash: null,
  installAgent: false,
  userData: '',
  metaData: '',
  networkConfig: '',
};

/** A minimal input: Debian profile, no spec, merge mode, deterministic {{.Random}}. */
export function baseInput(over: Partial<SeedInput> = {}): SeedInput {
  return {
    vmName: 'web',
    instanceId: 'i-0123456789abcdef',
    index: 1,
    hostName: 'kvm1.lab.example',
    profile: GUEST_PROFILES.debian,
    spec: null,
    overrides: { userDataMode: 'merge' },
    agent: AGENT,
    random: () => 'a1b2c3',
    ...over,
  };
}

/** Representative inputs, each with a golden directory of the same name. */
export const GOLDEN_CASES: Record<string, SeedInput> = {
  'debian-defaults': baseInput(),
  'rhel-spec-agent-password': baseInput({
    vmName: 'db',
    index: 3,
    profile: GUEST_PROFILES.rhel,
    spec: {
      ...EMPTY_SPEC,
      hostnameTemplate: '{{.VMName}}-{{.Index}}-{{.Random}}',
      timezone: 'Europe/Berlin',
      sshKeys: [ALICE_KEY, BOB_KEY],
      passwordHash: PASSWORD_HASH,
      installAgent: true,
      userData: '#cloud-config\npackages: [htop, curl]\nruncmd:\n  - [touch, /var/tmp/from-spec]\n',
    },
    overrides: {
      userDataMode: 'merge',
      user: 'ops',
      userData:
        '#cloud-config\npackages: [jq, htop]\nruncmd:\n  - echo "from the override" > /var/tmp/override\nbootcmd:\n  - [sh, -c, "echo boot"]\n',
      networkConfig:
        'version: 2\nethernets:\n  nics:\n    match: {name: "e*"}\n    addresses: [192.0.2.10/24]\n    routes: [{to: 0.0.0.0/0, via: 192.0.2.1}]\n',
    },
  }),
  'ubuntu-host-template-metadata-v1-network': baseInput({
    vmName: 'cache',
    profile: GUEST_PROFILES.ubuntu,
    spec: {
      ...EMPTY_SPEC,
      hostnameTemplate: '{{.Host}}-{{.VMName}}',
      metaData: 'availability-zone: rack-2\n',
      networkConfig:
        'network:\n  version: 1\n  config:\n    - type: physical\n      name: eth0\n      subnets:\n        - type: dhcp\n',
    },
    overrides: { userDataMode: 'merge', timezone: 'America/New_York', sshKeys: [BOB_KEY] },
  }),
  'raw-script': baseInput({
    vmName: 'batch',
    spec: { ...EMPTY_SPEC, sshKeys: [ALICE_KEY] },
    overrides: { userDataMode: 'raw', userData: '#!/bin/sh\necho "raw: {{.VMName}} # kept" > /root/raw\n' },
  }),
};

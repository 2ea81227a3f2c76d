/**
 * The control-plane agent: where it is installed, the installer script cloud-init runs (https only, SHA-256
 * checked before anything is installed) and its systemd unit, and the checks on its configured download.
 */
import { checkText, invalid } from './yaml11';

/** The control-plane agent download. */
export interface AgentConfig {
  url: string;
  sha256: string;
}

export const AGENT_INSTALLER_PATH = '/usr/local/sbin/qhci-agent-install';
export const AGENT_BINARY_PATH = '/usr/local/bin/qhci-agent';
export const AGENT_UNIT_PATH = '/etc/systemd/system/qhci-agent.service';

/**
 * POSIX sh, run as `qhci-agent-install URL SHA256`. Downloads to a private temp file over https only
 * (redirects included), checks the SHA-256, and only then installs and starts the agent.
 */
export const AGENT_INSTALLER_SCRIPT = `#!/bin/sh
# Written by QHCI: installs the QHCI agent. Usage: qhci-agent-install URL SHA256
set -eu
[ "$#" -eq 2 ] || { echo "usage: qhci-agent-install URL SHA256" >&2; exit 2; }
url=$1
sum=$2
case $url in
  https://*) ;;
  *) echo "qhci-agent-install: refusing a URL that is not https" >&2; exit 2 ;;
esac
case $sum in
  *[!0-9a-f]*) echo "qhci-agent-install: the SHA-256 must be 64 lowercase hex digits" >&2; exit 2 ;;
esac
[ "\${#sum}" -eq 64 ] || { echo "qhci-agent-install: the SHA-256 must be 64 lowercase hex digits" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
curl --proto =https --proto-redir =https --tlsv1.2 -fsSL --retry 5 --retry-delay 5 --max-time 600 -o "$tmp" "$url"
if ! printf '%s  %s\\n' "$sum" "$tmp" | sha256sum -c --status -; then
  echo "qhci-agent-install: checksum mismatch, the download is not installed" >&2
  exit 1
fi
install -o root -g root -m 0755 "$tmp" ${AGENT_BINARY_PATH}
systemctl daemon-reload
systemctl enable --now qhci-agent.service
`;

export const AGENT_UNIT = `[Unit]
Description=QHCI agent
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${AGENT_BINARY_PATH}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`;

export function checkAgent(agent: AgentConfig | null): { url: string; sha256: string } {
  const field = 'customization.installAgent';
  if (agent === null || agent.sha256.trim() === '') {
    throw invalid(
      'Cannot install the QHCI agent: no SHA-256 checksum is configured for its download; it is never downloaded unverified',
      field,
    );
  }
  const sha256 = agent.sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw invalid('The QHCI agent checksum must be a SHA-256: 64 hexadecimal digits', field);
  }
  const url = agent.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('The QHCI agent URL is not a valid URL', field);
  }
  if (parsed.protocol !== 'https:' || !url.startsWith('https://')) {
    throw invalid('The QHCI agent URL must use https://', field);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(url) || url.length > 2048) {
    throw invalid(
      'The QHCI agent URL may not contain spaces or control characters (at most 2048 characters)',
      field,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid(
      'The QHCI agent URL may not contain credentials: the seed is readable inside the guest',
      field,
    );
  }
  checkText(url, 'The QHCI agent URL', field);
  return { url, sha256 };
}

#!/usr/bin/env bash
# The hosts QHCI's tests run against, on this machine (see ../shared/TESTBED.md):
#   - libvirtd + virtlogd with QEMU (TCG) and the default NAT network, reached as qemu:///system;
#   - three SSH hosts on loopback, each sshd with its own host key:
#       kvm-a  127.0.0.2:2222  virsh -> qemu:///system        (the real local libvirt)
#       sim-b  127.0.0.3:2222  virsh -> test:///…/sim-b.xml    (simulated:  8 CPUs,  16 GiB)
#       sim-c  127.0.0.4:2222  virsh -> test:///…/sim-c.xml    (simulated: 32 CPUs, 128 GiB)
# The hosts are reached as user "qhci": an alias of root (uid 0) whose login shell is /bin/sh, so that no
# interactive shell start-up (root's .bashrc here runs pyenv, about a second) slows every remote command.
# Usage: scripts/testbed.sh up|down|status|env|accel KERNEL_DIR
#   accel KERNEL_DIR: boots KERNEL_DIR/vmlinuz (+ initrd.img) for a few seconds under KVM and records in
#   testbed.json which accelerator runs a real kernel here ("accel": "kvm" or "tcg"): on some nested-KVM
#   machines KVM starts domains but a real kernel hangs after its first lines.
# Idempotent: `up` starts only what is not running and records what it started; `down` stops only that.
# State lives in $QHCI_TESTBED_DIR (default /tmp/qhci-testbed); testbed.json there describes the hosts.
set -euo pipefail

STATE=${QHCI_TESTBED_DIR:-/tmp/qhci-testbed}
PORT=2222
APT_PACKAGES=(libvirt-daemon-system libvirt-clients libvirt-dev qemu-system-x86 qemu-utils genisoimage
  openssh-server openssh-client dnsmasq-base ovmf swtpm swtpm-tools)
HOSTS=("kvm-a 127.0.0.2 qemu:///system" "sim-b 127.0.0.3 sim" "sim-c 127.0.0.4 sim")

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (it starts libvirtd and sshd)"; }

install_missing() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process in a pid file and waits (up to 10 s) until it has gone.
stop_pid() {
  alive "$1" || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

libvirt_answers() {
  local out
  out=$(timeout 10 virsh -c qemu:///system uri 2>/dev/null) || return 1
  [[ $out == qemu:///system ]]
}

start_libvirt() {
  # Without udev /dev/kvm stays 0600 and every define re-probes QEMU for ~50 s.
  if [[ -e /dev/kvm ]]; then chgrp kvm /dev/kvm 2>/dev/null || true; chmod 0660 /dev/kvm; fi
  if libvirt_answers; then log "libvirtd already answers"; return; fi
  mkdir -p /run/libvirt
  if ! pgrep -x virtlogd >/dev/null; then
    /usr/sbin/virtlogd --daemon --pid-file="$STATE/virtlogd.pid"
    echo virtlogd >>"$STATE/started"
  fi
  if ! pgrep -x libvirtd >/dev/null; then
    /usr/sbin/libvirtd --daemon --pid-file="$STATE/libvirtd.pid"
    echo libvirtd >>"$STATE/started"
  fi
  for _ in $(seq 1 300); do libvirt_answers && break; sleep 0.1; done
  libvirt_answers || die "libvirtd did not answer on qemu:///system"
  log "libvirtd up"
}

start_network() {
  local info
  info=$(virsh -c qemu:///system net-info default 2>/dev/null) || { log "no default network defined"; return; }
  if grep -qE '^Active:\s+yes' <<<"$info"; then return; fi
  virsh -c qemu:///system net-start default >/dev/null && echo net-default >>"$STATE/started"
  log "default network started"
}

# A libvirt test-driver node: a simulated host of the given size with a dir pool and a NAT network.
# A dir pool on the real libvirt for the tests' volumes; removed again by `down`.
start_pool() {
  local pool=qhci-testbed dir=/var/lib/libvirt/images/qhci-testbed
  mkdir -p "$dir"
  if ! virsh -c qemu:///system pool-info "$pool" >/dev/null 2>&1; then
    virsh -c qemu:///system pool-define-as "$pool" dir --target "$dir" >/dev/null
    echo "pool:$pool" >>"$STATE/started"
  fi
  # Capture first: with pipefail, `virsh | grep -q` fails when grep exits early.
  local info
  info=$(virsh -c qemu:///system pool-info "$pool")
  grep -qE '^State:\s+running' <<<"$info" || virsh -c qemu:///system pool-start "$pool" >/dev/null
}

write_sim_node() {
  local name=$1 cpus=$2 mem_kib=$3 file="$STATE/$1.xml"
  [[ -f $file ]] && return
  cat >"$file" <<XML
<node>
  <cpu>
    <mode>0</mode><nodes>1</nodes><sockets>1</sockets><cores>$cpus</cores><threads>1</threads>
    <active>$cpus</active><mhz>2400</mhz><model>x86_64</model>
  </cpu>
  <memory>$mem_kib</memory>
  <network>
    <name>default</name>
    <bridge name="virbr0"/>
    <forward/>
    <ip address="192.168.122.1" netmask="255.255.255.0"/>
  </network>
  <pool type="dir">
    <name>default</name>
    <target><path>/var/lib/libvirt/images/$name</path></target>
  </pool>
</node>
XML
}

SSH_USER=qhci

setup_user() {
  getent passwd "$SSH_USER" >/dev/null && return
  useradd --non-unique --uid 0 --gid 0 --no-create-home --home-dir "$STATE" --shell /bin/sh "$SSH_USER"
  usermod -p '*' "$SSH_USER"
  echo "user:$SSH_USER" >>"$STATE/started"
}

setup_keys() {
  mkdir -p "$STATE"
  chmod 0700 "$STATE"
  [[ -f $STATE/client_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C qhci-testbed -f "$STATE/client_ed25519"
  cp "$STATE/client_ed25519.pub" "$STATE/authorized_keys"
}

start_sshd() {
  local name=$1 addr=$2 uri=$3 dir="$STATE/$1"
  mkdir -p "$dir" /run/sshd
  [[ -f $dir/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/host_ed25519"
  cat >"$dir/sshd_config" <<CFG
ListenAddress $addr:$PORT
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
SetEnv LIBVIRT_DEFAULT_URI=$uri
Subsystem sftp internal-sftp
CFG
  if alive "$dir/sshd.pid"; then return; fi
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  echo "sshd:$name" >>"$STATE/started"
  for _ in $(seq 1 50); do alive "$dir/sshd.pid" && break; sleep 0.1; done
  alive "$dir/sshd.pid" || die "sshd for $name did not start (see $dir/sshd.log)"
}

write_description() {
  local first=1 accel=unknown note='not probed (scripts/testbed.sh accel KERNEL_DIR)'
  if [[ -f $STATE/accel ]]; then
    accel=$(sed -n 1p "$STATE/accel")
    note=$(sed -n 2p "$STATE/accel" | tr -d '"\\')
  fi
  {
    printf '{\n  "stateDir": "%s",\n  "clientKey": "%s/client_ed25519",\n' "$STATE" "$STATE"
    printf '  "accel": "%s",\n  "accelNote": "%s",\n  "hosts": [\n' "$accel" "$note"
    for h in "${HOSTS[@]}"; do
      read -r name addr uri <<<"$h"
      [[ $uri == sim ]] && uri="test://$STATE/$name.xml"
      local fp
      fp=$(ssh-keygen -lf "$STATE/$name/host_ed25519.pub" | awk '{print $2}')
      ((first)) || printf ',\n'
      first=0
      printf '    { "name": "%s", "address": "%s", "port": %d, "user": "'"$SSH_USER"'", "uri": "%s", "hostKeyFingerprint": "%s" }' \
        "$name" "$addr" "$PORT" "$uri" "$fp"
    done
    printf '\n  ]\n}\n'
  } >"$STATE/testbed.json"
}

# Which accelerator runs a real kernel: KVM only when domcapabilities offers it AND a kernel booted under it
# prints past its first lines (a hanging one stops at "Probing EDD"); otherwise TCG.
probe_accel() {
  local dir=$1 name=qhci-accel-probe log=$STATE/accel-probe.log xml=$STATE/accel-probe.xml
  [[ -f $dir/vmlinuz ]] || die "accel: no $dir/vmlinuz (build the guest image first)"
  local caps
  if ! caps=$(virsh -c qemu:///system domcapabilities --virttype kvm 2>/dev/null) || [[ $caps != *'<domain>kvm</domain>'* ]]; then
    printf 'tcg\nKVM is not usable on this machine (domcapabilities --virttype kvm)\n' >"$STATE/accel"
    return
  fi
  local initrd=''
  [[ -f $dir/initrd.img ]] && initrd="<initrd>$dir/initrd.img</initrd>"
  cat >"$xml" <<XML
<domain type='kvm'>
  <name>$name</name>
  <memory unit='MiB'>512</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$dir/vmlinuz</kernel>$initrd<cmdline>console=ttyS0 earlyprintk=serial panic=-1</cmdline></os>
  <features><acpi/></features>
  <devices><serial type='file'><source path='$log'/><target port='0'/></serial></devices>
</domain>
XML
  rm -f "$log"
  virsh -c qemu:///system destroy "$name" >/dev/null 2>&1 || true
  local booted=0 started=1
  virsh -c qemu:///system create "$xml" >/dev/null 2>&1 || started=0
  if ((started)); then
    # Under KVM a kernel reaches "Freeing unused kernel image" in a second or two; allow for a loaded machine.
    for _ in $(seq 1 40); do
      if grep -q 'Freeing unused kernel\|Run /init' "$log" 2>/dev/null; then booted=1; break; fi
      sleep 0.5
    done
    virsh -c qemu:///system destroy "$name" >/dev/null 2>&1 || true
  fi
  local lines last
  lines=$(wc -l <"$log" 2>/dev/null || echo 0)
  last=$(tail -n 1 "$log" 2>/dev/null | tr -d '\r' | cut -c1-80)
  if ((booted)); then
    printf 'kvm\na real kernel boots under KVM here (%s lines of console output in 20 s at most)\n' "$lines" >"$STATE/accel"
  elif ((started)); then
    printf 'tcg\nKVM starts domains but a real kernel hangs under it here (%s console lines, last: %s)\n' "$lines" "$last" >"$STATE/accel"
  else
    printf 'tcg\nKVM refused to start a kernel here\n' >"$STATE/accel"
  fi
}

accel() {
  as_root
  [[ -n ${1:-} ]] || die "usage: $0 accel KERNEL_DIR"
  probe_accel "$1"
  write_description
  log "accelerator for real guests: $(sed -n 1p "$STATE/accel") ($(sed -n 2p "$STATE/accel"))"
}

up() {
  as_root
  install_missing
  setup_keys
  touch "$STATE/started"
  setup_user
  start_libvirt
  start_network
  start_pool
  write_sim_node sim-b 8 16777216
  write_sim_node sim-c 32 134217728
  for h in "${HOSTS[@]}"; do
    read -r name addr uri <<<"$h"
    [[ $uri == sim ]] && uri="test://$STATE/$name.xml"
    mkdir -p "/var/lib/libvirt/images/$name"
    start_sshd "$name" "$addr" "$uri"
  done
  write_description
  log "up: $STATE/testbed.json"
}

down() {
  [[ -f $STATE/started ]] || { log "nothing to stop"; return; }
  tac "$STATE/started" | while read -r what; do
    case $what in
      sshd:*) stop_pid "$STATE/${what#sshd:}/sshd.pid" ;;
      pool:*)
        virsh -c qemu:///system pool-destroy "${what#pool:}" >/dev/null 2>&1 || true
        virsh -c qemu:///system pool-undefine "${what#pool:}" >/dev/null 2>&1 || true
        ;;
      user:*) userdel --force "${what#user:}" >/dev/null 2>&1 || true ;;
      net-default) virsh -c qemu:///system net-destroy default >/dev/null 2>&1 || true ;;
      libvirtd) stop_pid "$STATE/libvirtd.pid" ;;
      virtlogd) stop_pid "$STATE/virtlogd.pid" ;;
    esac || true
  done
  rm -f "$STATE/started"
  log "down"
}

status() {
  libvirt_answers && echo "libvirtd: up" || echo "libvirtd: down"
  for h in "${HOSTS[@]}"; do
    read -r name addr _ <<<"$h"
    if alive "$STATE/$name/sshd.pid"; then echo "$name: up ($addr:$PORT)"; else echo "$name: down"; fi
  done
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  env) cat "$STATE/testbed.json" ;;
  accel) accel "${2:-}" ;;
  *) echo "usage: $0 up|down|status|env|accel KERNEL_DIR" >&2; exit 2 ;;
esac

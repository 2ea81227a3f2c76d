#!/usr/bin/env bash
# The hosts QHCI's tests run against, on this machine (see ../shared/TESTBED.md):
#   - libvirtd + virtlogd with QEMU (TCG) and the default NAT network, reached as qemu:///system;
#   - three SSH hosts on loopback, each sshd with its own host key:
#       kvm-a  127.0.0.2:2222  virsh -> qemu:///system        (the real local libvirt)
#       sim-b  127.0.0.3:2222  virsh -> test:///…/sim-b.xml    (simulated:  8 CPUs,  16 GiB)
#       sim-c  127.0.0.4:2222  virsh -> test:///…/sim-c.xml    (simulated: 32 CPUs, 128 GiB)
#   - a second real libvirt host, as a second machine looks (issue 23, TESTBED.md "Several real qemu hosts"):
#       kvm-b  127.0.0.5:2222  virsh -> qemu:///system        (its own libvirtd + virtlogd + sshd)
#     Its daemons run in their own mount (and UTS: hostname kvm-b) namespace, with private directories of
#     $STATE/kvm-b bind-mounted over /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and
#     /run/libvirt, and its own host_uuid. So /var/lib/libvirt/images/X is a different file on kvm-a and kvm-b.
#     From this machine: virsh -c 'qemu:///system?socket=$STATE/kvm-b/run/libvirt-sock' (its "localUri").
#     It has a dir pool "default" (/var/lib/libvirt/images), a pool "qhci-testbed" at the same path as kvm-a's,
#     and a network "default" bridged onto kvm-a's virbr0, so that VMs can move between the two.
#     Where a machine cannot run it (no mount namespaces), `up` goes on without it and testbed.json says why.
# The hosts are reached as user "qhci": an alias of root (uid 0) whose login shell is /bin/sh, so that no
# interactive shell start-up (root's .bashrc here runs pyenv, about a second) slows every remote command.
# Usage: scripts/testbed.sh up|down|status|env|accel KERNEL_DIR|up-b|down-b|up-many N [DOMAINS]|down-many
#   up-many N [DOMAINS] / down-many: N simulated hosts (default 200 domains each) on 127.0.1.1-N, listed in
#   testbed.json's "simHosts" (not started by `up`: the tests and benches that need them start them).
#   up-b / down-b: start or stop only the second real host kvm-b, leaving everything else running.
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
SELF=$(readlink -f "${BASH_SOURCE[0]}")
# The second real host.
B_NAME=kvm-b
B_ADDR=127.0.0.5
B_DIR=$STATE/$B_NAME
B_URI="qemu:///system?socket=$B_DIR/run/libvirt-sock"
# Its private directories ($B_DIR/<dir>) and where they are mounted in its namespace.
B_MOUNTS=("etc:/etc/libvirt" "lib:/var/lib/libvirt" "cache:/var/cache/libvirt" "log:/var/log/libvirt" "run:/run/libvirt")

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

# Pids of the processes named $1 in this mount namespace: kvm-b's daemons, in their own, are not kvm-a's.
pgrep_here() {
  local here pid
  here=$(readlink /proc/self/ns/mnt)
  for pid in $(pgrep -x "$1"); do
    [[ $(readlink "/proc/$pid/ns/mnt" 2>/dev/null) == "$here" ]] && echo "$pid"
  done
  return 0
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
  if [[ -z $(pgrep_here virtlogd) ]]; then
    /usr/sbin/virtlogd --daemon --pid-file="$STATE/virtlogd.pid"
    echo virtlogd >>"$STATE/started"
  fi
  if [[ -z $(pgrep_here libvirtd) ]]; then
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

# start_sshd NAME ADDR URI [LAUNCHER...]: the launcher runs sshd (kvm-b's: inside its namespace).
start_sshd() {
  local name=$1 addr=$2 uri=$3 dir="$STATE/$1"
  shift 3
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
  "$@" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
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
      # Not set up yet (up-b before up).
      [[ -f $STATE/$name/host_ed25519.pub ]] || continue
      local fp
      fp=$(ssh-keygen -lf "$STATE/$name/host_ed25519.pub" | awk '{print $2}')
      ((first)) || printf ',\n'
      first=0
      printf '    { "name": "%s", "address": "%s", "port": %d, "user": "'"$SSH_USER"'", "uri": "%s", "hostKeyFingerprint": "%s" }' \
        "$name" "$addr" "$PORT" "$uri" "$fp"
    done
    # kvm-b: "uri" is what its SSH sessions use (as for kvm-a); "localUri" reaches its libvirtd from here.
    if b_up; then
      ((first)) || printf ',\n'
      printf '    { "name": "%s", "address": "%s", "port": %d, "user": "'"$SSH_USER"'", "uri": "qemu:///system", "hostKeyFingerprint": "%s",\n' \
        "$B_NAME" "$B_ADDR" "$PORT" "$(ssh-keygen -lf "$B_DIR/host_ed25519.pub" | awk '{print $2}')"
      printf '      "localUri": "%s", "hostUuid": "%s", "rootDir": "%s" }' "$B_URI" "$(cat "$B_DIR/host_uuid")" "$B_DIR"
    fi
    printf '\n  ],\n  "simHosts": [\n'
    # The simulated hosts of up-many that run.
    many_json
    printf '\n  ]'
    # Why the second real host is not there, when it is not: "unavailable" (this machine cannot run it) or
    # "stopped" (scripts/testbed.sh up-b starts it).
    if ! b_up; then
      if [[ -f $B_DIR/unavailable ]]; then
        printf ',\n  "secondHost": { "name": "%s", "state": "unavailable", "reason": "%s" }' "$B_NAME" \
          "$(head -n 1 "$B_DIR/unavailable" | tr -d '"\\')"
      else
        printf ',\n  "secondHost": { "name": "%s", "state": "stopped", "reason": "%s is stopped (scripts/testbed.sh up-b)" }' \
          "$B_NAME" "$B_NAME"
      fi
    fi
    printf '\n}\n'
  } >"$STATE/testbed.json.tmp"
  # Atomic: tests read it while the testbed changes.
  mv -f "$STATE/testbed.json.tmp" "$STATE/testbed.json"
}

# ---- kvm-b: the second real libvirt host ----

b_virsh() { timeout 20 virsh -c "$B_URI" "$@"; }

b_answers() {
  local out
  [[ -S $B_DIR/run/libvirt-sock ]] || return 1
  out=$(timeout 10 virsh -c "$B_URI" uri 2>/dev/null) || return 1
  [[ $out == "$B_URI" ]]
}

# Up: its three daemons run and its libvirtd answers.
b_up() {
  alive "$B_DIR/virtlogd.pid" && alive "$B_DIR/libvirtd.pid" && alive "$B_DIR/sshd.pid" && b_answers
}

# Runs "$@" in a new mount + UTS namespace that is kvm-b: private directories over libvirt's, hostname kvm-b.
# Every daemon of kvm-b is started this way; they see the same files, so each can be restarted on its own.
b_exec() {
  unshare --mount --uts --propagation private -- "$SELF" _b-ns "$@"
}

# Inside the new namespace (called by b_exec).
b_ns() {
  # Never in the machine's own namespace: these mounts there would hide kvm-a's libvirt from everyone.
  # b_exec's unshare execs this script in the new namespaces: its parent, the caller, is still outside them.
  local ns mine parent
  for ns in mnt uts; do
    mine=$(readlink "/proc/$$/ns/$ns" || true)
    parent=$(readlink "/proc/$PPID/ns/$ns" || true)
    [[ -n $mine && -n $parent && $mine != "$parent" ]] ||
      die "_b-ns runs only in the new namespaces b_exec makes (scripts/testbed.sh up-b)"
  done
  mount --make-rprivate /
  local m
  for m in "${B_MOUNTS[@]}"; do mount --bind "$B_DIR/${m%%:*}" "${m#*:}"; done
  # Its own name, resolved by its own /etc/hosts (libvirt looks its hostname up).
  mount --bind "$B_DIR/hosts" /etc/hosts
  hostname "$B_NAME"
  exec "$@"
}

# Whether this machine can run kvm-b at all; prints why not.
b_unsupported() {
  local err
  if ! err=$(unshare --mount --uts --propagation private -- sh -c 'mount --bind "$1" "$1" && hostname x' sh "$STATE" 2>&1); then
    echo "this machine cannot run a second libvirtd in its own namespaces (unshare --mount --uts: ${err//$'\n'/ })"
    return 0
  fi
  return 1
}

# Its private directories, made once (as a machine's disk: domains and volumes stay across down-b/up-b).
b_prepare() {
  mkdir -p "$B_DIR"
  chmod 0755 "$B_DIR"
  [[ -f $B_DIR/host_uuid ]] || cat /proc/sys/kernel/random/uuid >"$B_DIR/host_uuid"
  if [[ ! -d $B_DIR/etc ]]; then
    # kvm-a's configuration without its domains, networks (the autostarted NAT network), pools and secrets.
    rm -rf "$B_DIR/etc.tmp"
    cp -a /etc/libvirt "$B_DIR/etc.tmp"
    rm -rf "$B_DIR"/etc.tmp/qemu/*.xml "$B_DIR"/etc.tmp/qemu/autostart "$B_DIR"/etc.tmp/qemu/networks/* \
      "$B_DIR"/etc.tmp/storage/* "$B_DIR"/etc.tmp/secrets/*
    mkdir -p "$B_DIR/etc.tmp/qemu/networks/autostart" "$B_DIR/etc.tmp/storage/autostart"
    # Migration refuses two hosts with the same UUID.
    printf '\n# kvm-b (scripts/testbed.sh): a host of its own\nhost_uuid = "%s"\n' "$(cat "$B_DIR/host_uuid")" \
      >>"$B_DIR/etc.tmp/libvirtd.conf"
    mv "$B_DIR/etc.tmp" "$B_DIR/etc"
  fi
  # The directories libvirt expects, owned as kvm-a's are; images start empty.
  local m src d
  for m in "lib:/var/lib/libvirt" "cache:/var/cache/libvirt" "log:/var/log/libvirt" "run:/run/libvirt"; do
    src=${m#*:}
    mkdir -p "$B_DIR/${m%%:*}"
    chown --reference="$src" "$B_DIR/${m%%:*}"
    chmod --reference="$src" "$B_DIR/${m%%:*}"
  done
  for d in /var/lib/libvirt/* /var/log/libvirt/*; do
    [[ -d $d ]] || continue
    case $d in /var/lib/libvirt/*) src=lib ;; *) src=log ;; esac
    local to="$B_DIR/$src/${d##*/}"
    [[ -d $to ]] && continue
    mkdir -p "$to"
    chown --reference="$d" "$to"
    chmod --reference="$d" "$to"
  done
  { grep -v "[[:space:]]$B_NAME\$" /etc/hosts || true; echo "$B_ADDR $B_NAME"; } >"$B_DIR/hosts"
}

# Its networks and pools: made once, started when they are not.
b_resources() {
  local dir xml info
  if ! b_virsh net-info default >/dev/null 2>&1; then
    xml=$(mktemp)
    # kvm-a's NAT network, reached through a bridge: a VM keeps its network when it moves to kvm-b.
    printf "<network>\n  <name>default</name>\n  <forward mode='bridge'/>\n  <bridge name='virbr0'/>\n</network>\n" >"$xml"
    b_virsh net-define "$xml" >/dev/null
    rm -f "$xml"
    b_virsh net-autostart default >/dev/null
  fi
  info=$(b_virsh net-info default)
  if ! grep -qE '^Active:\s+yes' <<<"$info"; then
    if [[ -e /sys/class/net/virbr0 ]]; then
      b_virsh net-start default >/dev/null
    else
      log "kvm-b: network default not started (kvm-a's virbr0 is not there)"
    fi
  fi
  for pool in "default /var/lib/libvirt/images" "qhci-testbed /var/lib/libvirt/images/qhci-testbed"; do
    read -r name dir <<<"$pool"
    if ! b_virsh pool-info "$name" >/dev/null 2>&1; then
      b_virsh pool-define-as "$name" dir --target "$dir" >/dev/null
      b_virsh pool-build "$name" >/dev/null
      b_virsh pool-autostart "$name" >/dev/null
    fi
    info=$(b_virsh pool-info "$name")
    grep -qE '^State:\s+running' <<<"$info" || b_virsh pool-start "$name" >/dev/null
  done
}

# Starts what of kvm-b is not running. Returns 1 when it cannot; where this machine cannot run it at all, the
# reason is kept in $B_DIR/unavailable (testbed.json and status report it, its tests skip with it).
start_b() {
  local t0 why
  t0=$(date +%s%N)
  if b_up; then
    log "kvm-b already up"
    return 0
  fi
  if why=$(b_unsupported); then
    mkdir -p "$B_DIR"
    echo "$why" >"$B_DIR/unavailable"
    log "kvm-b: $why"
    return 1
  fi
  rm -f "$B_DIR/unavailable"
  b_prepare
  if ! alive "$B_DIR/virtlogd.pid"; then
    b_exec /usr/sbin/virtlogd --daemon --pid-file="$B_DIR/virtlogd.pid"
  fi
  if ! alive "$B_DIR/libvirtd.pid"; then
    b_exec /usr/sbin/libvirtd --daemon --pid-file="$B_DIR/libvirtd.pid"
  fi
  for _ in $(seq 1 300); do b_answers && break; sleep 0.1; done
  if ! b_answers; then
    # A fault, not a machine that cannot run it: kvm-b stays "down", and the next `up` tries again.
    log "kvm-b: its libvirtd did not answer on $B_URI within 30 s (see $B_DIR/log/libvirtd.log)"
    stop_b
    return 1
  fi
  b_resources
  start_sshd "$B_NAME" "$B_ADDR" qemu:///system b_exec
  log "kvm-b up in $((($(date +%s%N) - t0) / 1000000)) ms ($B_URI, ssh $SSH_USER@$B_ADDR:$PORT)"
}

# Stops kvm-b: its running VMs first (a machine powered off), then its daemons. Its disks and definitions stay.
stop_b() {
  if b_answers; then
    local dom
    for dom in $(b_virsh list --name 2>/dev/null); do b_virsh destroy "$dom" >/dev/null 2>&1 || true; done
  fi
  stop_pid "$B_DIR/sshd.pid"
  stop_pid "$B_DIR/libvirtd.pid"
  stop_pid "$B_DIR/virtlogd.pid"
  # /run is empty on a machine's next boot.
  [[ -d $B_DIR/run ]] && find "$B_DIR/run" -mindepth 1 -delete 2>/dev/null || true
  return 0
}

b_status() {
  if b_up; then
    echo "$B_NAME: up ($B_ADDR:$PORT, $B_URI)"
  elif [[ -f $B_DIR/unavailable ]]; then
    # Not "down": preflight asks for `testbed.sh up` on a down host, which cannot help here.
    echo "$B_NAME: unavailable ($(head -n 1 "$B_DIR/unavailable"))"
  else
    echo "$B_NAME: down"
  fi
}

up_b() {
  as_root
  install_missing
  setup_keys
  setup_user
  start_b || { write_description; die "kvm-b did not start"; }
  write_description
}

down_b() {
  as_root
  stop_b
  [[ -f $STATE/testbed.json ]] && write_description
  log "kvm-b down"
}

# ---- Simulated hosts in numbers (issue 22): up-many N [DOMAINS] / down-many ----
# sim-001 … sim-N at 127.0.1.1 … 127.0.1.N (port 2222; the fixed hosts above use 127.0.0.2-9, tests'
# own sshd 127.0.0.x): each a test-driver node file of DOMAINS domains (realistic XML: two disks, one or
# two NICs, VNC; about a third shut off) behind its own sshd with its own host key. The test driver reads
# the node file afresh for every virsh process, so the files can change without restarting anything.
MANY_DIR=$STATE/many
MANY_NET=127.0.1
MANY_MAX=250

many_name() { printf 'sim-%03d' "$1"; }

# Writes the node file of simulated host I with D domains, unless it already has D domains.
write_many_node() {
  local i=$1 d=$2 name file
  name=$(many_name "$i")
  file=$MANY_DIR/$name.xml
  [[ -f $file && $(cat "$file.domains" 2>/dev/null) == "$d" ]] && return
  awk -v host="$i" -v n="$d" -v name="$name" '
    function uuid(h, k) { return sprintf("5a1d%04x-%04x-4000-8000-%012x", h, k, h * 100000 + k) }
    BEGIN {
      cores = 16 + (host % 4) * 16
      print "<node xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\">"
      printf "  <cpu><mode>0</mode><nodes>1</nodes><sockets>2</sockets><cores>%d</cores><threads>2</threads>", cores / 2
      printf "<active>%d</active><mhz>2400</mhz><model>x86_64</model></cpu>\n", cores * 2
      printf "  <memory>%d</memory>\n", 268435456
      print "  <network><name>default</name><bridge name=\"virbr0\"/><forward/><ip address=\"192.168.122.1\" netmask=\"255.255.255.0\"/></network>"
      print "  <network><name>storage</name><bridge name=\"virbr1\"/><ip address=\"10.10.0.1\" netmask=\"255.255.0.0\"/></network>"
      printf "  <pool type=\"dir\"><name>default</name><target><path>/var/lib/libvirt/images/%s</path></target>\n", name
      split("debian-12.qcow2 ubuntu-24.04.qcow2 rocky-9.qcow2 debian-12-netinst.iso", vols, " ")
      for (v = 1; v <= 4; v++) {
        fmt = vols[v] ~ /iso$/ ? "raw" : "qcow2"
        printf "    <volume type=\"file\"><name>%s</name><capacity unit=\"GiB\">%d</capacity>", vols[v], 10 * v
        printf "<target><path>/var/lib/libvirt/images/%s/%s</path><format type=\"%s\"/></target></volume>\n", name, vols[v], fmt
      }
      print "  </pool>"
      for (k = 1; k <= n; k++) {
        dom = sprintf("vm-%03d-%04d", host, k)
        mem = 512 * (1 + k % 8)
        printf "  <domain type=\"test\"><name>%s</name><uuid>%s</uuid>\n", dom, uuid(host, k)
        printf "    <memory unit=\"MiB\">%d</memory><currentMemory unit=\"MiB\">%d</currentMemory>", mem, mem
        printf "<vcpu placement=\"static\">%d</vcpu>\n", 1 + k % 4
        print "    <os><type arch=\"x86_64\" machine=\"pc-q35-8.2\">hvm</type><boot dev=\"hd\"/></os><features><acpi/><apic/></features>"
        print "    <devices>"
        printf "      <disk type=\"file\" device=\"disk\"><driver name=\"qemu\" type=\"qcow2\"/><source file=\"/var/lib/libvirt/images/%s/%s.qcow2\"/><target dev=\"vda\" bus=\"virtio\"/></disk>\n", name, dom
        printf "      <disk type=\"file\" device=\"disk\"><driver name=\"qemu\" type=\"raw\"/><source file=\"/var/lib/libvirt/images/%s/%s-data.img\"/><target dev=\"vdb\" bus=\"virtio\"/></disk>\n", name, dom
        print "      <disk type=\"file\" device=\"cdrom\"><driver name=\"qemu\" type=\"raw\"/><target dev=\"sda\" bus=\"sata\"/><readonly/></disk>"
        printf "      <interface type=\"network\"><mac address=\"52:54:%02x:%02x:%02x:%02x\"/><source network=\"default\"/><model type=\"virtio\"/></interface>\n", host, int(k / 256), k % 256, 1
        if (k % 2 == 0)
          printf "      <interface type=\"network\"><mac address=\"52:54:%02x:%02x:%02x:%02x\"/><source network=\"storage\"/><model type=\"virtio\"/></interface>\n", host, int(k / 256), k % 256, 2
        print "      <serial type=\"pty\"><target port=\"0\"/></serial><console type=\"pty\"><target type=\"serial\" port=\"0\"/></console>"
        print "      <graphics type=\"vnc\" port=\"-1\" autoport=\"yes\"/><video><model type=\"virtio\"/></video>"
        print "    </devices>"
        # test:runstate 5 = shut off; the rest run.
        if (k % 3 == 0) print "    <test:runstate>5</test:runstate>"
        print "  </domain>"
      }
      print "</node>"
    }' >"$file.tmp"
  mv -f "$file.tmp" "$file"
  echo "$d" >"$file.domains"
}

# Writes simulated host I's host key and sshd config (nothing started).
prepare_many_host() {
  local i=$1 name dir
  name=$(many_name "$i")
  dir=$MANY_DIR/$name
  mkdir -p "$dir"
  [[ -f $dir/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/host_ed25519"
  cat >"$dir/sshd_config" <<CFG
ListenAddress $MANY_NET.$i:$PORT
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
SetEnv LIBVIRT_DEFAULT_URI=test://$MANY_DIR/$name.xml
Subsystem sftp internal-sftp
CFG
}

# How many simulated hosts are configured (up-many's N, kept in $MANY_DIR/count).
many_count() { cat "$MANY_DIR/count" 2>/dev/null || echo 0; }

up_many() {
  as_root
  local n=${1:-} d=${2:-200} t0 i pids=()
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= MANY_MAX)) || die "usage: $0 up-many N [DOMAINS] (1 <= N <= $MANY_MAX)"
  [[ $d =~ ^[0-9]+$ ]] && ((d <= 9999)) || die "DOMAINS must be a number up to 9999"
  t0=$(date +%s%N)
  install_missing
  setup_keys
  setup_user
  mkdir -p "$MANY_DIR" /run/sshd
  # Hosts beyond N (an earlier, bigger up-many: a bench may be using them) keep running.
  (($(many_count) > n)) || echo "$n" >"$MANY_DIR/count"
  # Node files and keys in parallel (awk and ssh-keygen per host), then every missing sshd at once.
  for ((i = 1; i <= n; i++)); do
    { write_many_node "$i" "$d" && prepare_many_host "$i"; } &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "preparing a simulated host failed"; done
  for ((i = 1; i <= n; i++)); do
    local dir=$MANY_DIR/$(many_name "$i")
    alive "$dir/sshd.pid" || /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" &
  done
  wait
  for ((i = 1; i <= n; i++)); do
    local dir=$MANY_DIR/$(many_name "$i")
    for _ in $(seq 1 50); do alive "$dir/sshd.pid" && break; sleep 0.1; done
    alive "$dir/sshd.pid" || die "sshd for $(many_name "$i") did not start (see $dir/sshd.log)"
  done
  write_description
  log "up-many: $n simulated hosts × $d domains ($MANY_NET.1-$MANY_NET.$n:$PORT) in $((($(date +%s%N) - t0) / 1000000)) ms"
}

down_many() {
  local i pid pids=()
  for ((i = 1; i <= MANY_MAX; i++)); do
    local f=$MANY_DIR/$(many_name "$i")/sshd.pid
    [[ -d ${f%/*} ]] || break
    if alive "$f"; then
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
  done
  # All at once, then wait for each (up to 10 s).
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$MANY_DIR/count"
  [[ -f $STATE/testbed.json ]] && write_description
  log "down-many: ${#pids[@]} simulated hosts stopped"
}

# The simulated hosts that run, as testbed.json's "simHosts" entries (one per line, comma-separated).
many_json() {
  local i n first=1 name dir fp
  n=$(many_count)
  for ((i = 1; i <= n; i++)); do
    name=$(many_name "$i")
    dir=$MANY_DIR/$name
    alive "$dir/sshd.pid" || continue
    fp=$(ssh-keygen -lf "$dir/host_ed25519.pub" | awk '{print $2}')
    ((first)) || printf ',\n'
    first=0
    printf '    { "name": "%s", "address": "%s", "port": %d, "user": "%s", "uri": "test://%s/%s.xml", "hostKeyFingerprint": "%s", "domains": %d }' \
      "$name" "$MANY_NET.$i" "$PORT" "$SSH_USER" "$MANY_DIR" "$name" "$fp" "$(cat "$MANY_DIR/$name.xml.domains")"
  done
}

many_status() {
  local n i up=0
  n=$(many_count)
  ((n)) || { echo "simulated hosts: none (scripts/testbed.sh up-many N [DOMAINS])"; return; }
  for ((i = 1; i <= n; i++)); do alive "$MANY_DIR/$(many_name "$i")/sshd.pid" && up=$((up + 1)); done
  echo "simulated hosts: $up of $n up ($MANY_NET.1-$MANY_NET.$n:$PORT, $(cat "$MANY_DIR/sim-001.xml.domains" 2>/dev/null || echo '?') domains each)"
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
  # The second real host is optional: a machine that cannot run it still runs the rest (testbed.json says why).
  start_b || log "going on without kvm-b"
  write_description
  log "up: $STATE/testbed.json"
}

down() {
  # kvm-b exists only through this script: always stopped, and first (its network sits on kvm-a's virbr0).
  stop_b
  down_many
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
  b_status
  many_status
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  env) cat "$STATE/testbed.json" ;;
  accel) accel "${2:-}" ;;
  up-b) up_b ;;
  down-b) down_b ;;
  up-many) up_many "${2:-}" "${3:-200}" ;;
  down-many) down_many ;;
  _b-ns) shift; b_ns "$@" ;;
  *) echo "usage: $0 up|down|status|env|accel KERNEL_DIR|up-b|down-b|up-many N [DOMAINS]|down-many" >&2; exit 2 ;;
esac

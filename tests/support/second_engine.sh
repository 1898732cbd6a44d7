#!/usr/bin/env bash
# A second Docker engine on this machine that looks like another host, for the live tests that span
# two hosts (tests/live/test_two_hosts.c): dockerd in a network namespace of its own, reachable only
# over a veth pair this script creates, listening on TCP with TLS and client certificates. It has its
# own data root, exec root, containerd (managed by it), socket, bridge (inside the namespace) and
# cgroup parent; it changes no iptables rule, bridge or route of the host's. The namespace is entered
# with nsenter --net (not `ip netns exec`, which remounts /sys and leaves dockerd without cgroups).
#
# usage: second_engine.sh start DIR   prints the engine's address (tcp://10.213.X.2:2376); the
#                                      client's ca.pem, cert.pem and key.pem are in DIR/client
#        second_engine.sh stop DIR    stops the engine (and anything left in its namespace or
#                                      cgroups), removes the namespace, the veth pair, the cgroups and
#                                      DIR; a DIR that start did not make is left alone (exit 2)
# START's DIR must not exist or be empty.
# exit codes: 0 ok; 2 a DIR refused; 77 cannot run here (not root, a program missing), or the engine would not start:
# the reason is on stderr, and start has already cleaned up after itself.
set -uo pipefail

cannot() {
  echo "second engine: $*" >&2
  exit 77
}

MARK=.hfsim-second-engine

stop() {
  local dir=$1
  [[ -e $dir ]] || return 0
  if [[ ! -f $dir/$MARK ]]; then
    echo "second engine: $dir was not made by second_engine.sh start: left alone" >&2
    exit 2
  fi
  local name
  name=$(cat "$dir/name" 2>/dev/null) || { rm -rf "$dir"; return 0; }
  if [[ -f $dir/dockerd.pid ]]; then
    local pid
    pid=$(cat "$dir/dockerd.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  fi
  # whatever it left running: in the namespace (its containerd, shims, port proxies), and in its
  # cgroups (containers have network namespaces of their own; after dockerd died they run on)
  for pid in $(ip netns pids "$name" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  for _ in 1 2 3; do
    for procs in $(find /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name" -name cgroup.procs 2>/dev/null); do
      for pid in $(cat "$procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    done
    sleep 0.3
  done
  sleep 0.5
  # mounts under DIR (the exec root's netns and shm mounts), innermost first
  awk -v d="$dir" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null
  done
  ip netns del "$name" 2>/dev/null
  ip link del "${name}a" 2>/dev/null
  for cg in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
    [[ -d $cg ]] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$dir"
  return 0
}

# Certificates as the docker CLI expects them: a CA, the engine's (for its address) and a client's.
make_certs() {
  local dir=$1 ip=$2
  mkdir -p "$dir/tls" "$dir/client"
  (
    cd "$dir/tls" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=hfsim-test-ca &&
      openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "/CN=$ip" &&
      printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$ip" >server.ext &&
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 1 \
        -extfile server.ext &&
      openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=hfsim-test-client &&
      printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
      openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 \
        -extfile client.ext &&
      cp ca.pem cert.pem key.pem "$dir/client/"
  ) >"$dir/openssl.log" 2>&1
}

start() {
  local dir=$1
  [[ $(id -u) == 0 ]] || cannot "needs root (network namespaces, a second dockerd)"
  for tool in dockerd ip nsenter openssl; do
    command -v "$tool" >/dev/null || cannot "$tool is not installed"
  done
  if [[ -e $dir && ( ! -d $dir || -n $(ls -A "$dir") ) ]]; then
    echo "second engine: $dir exists and is not an empty directory: give a new one" >&2
    exit 2
  fi
  mkdir -p "$dir" || cannot "cannot make $dir"
  dir=$(cd "$dir" && pwd)
  : >"$dir/$MARK"
  # a /30 of 10.213.0.0/16 that no interface of this machine uses
  local n name ip
  for try in $(seq 50); do
    n=$(((RANDOM + try) % 16000))
    ip -4 -o addr | grep -q "10\.213\.$((n / 64))\.$(((n % 64) * 4 + 1))/" || break
  done
  name=hfe2-$$
  echo "$name" >"$dir/name"
  local host_ip=10.213.$((n / 64)).$(((n % 64) * 4 + 1)) engine_ip=10.213.$((n / 64)).$(((n % 64) * 4 + 2))
  if ! { ip netns add "$name" && ip link add "${name}a" type veth peer name "${name}b" &&
    ip link set "${name}b" netns "$name" && ip addr add "$host_ip/30" dev "${name}a" && ip link set "${name}a" up &&
    nsenter --net="/run/netns/$name" sh -c "ip addr add $engine_ip/30 dev ${name}b && ip link set ${name}b up &&
      ip link set lo up"; } >"$dir/net.log" 2>&1; then
    local why
    why=$(tail -n 1 "$dir/net.log")
    stop "$dir"
    cannot "cannot make the network namespace and veth pair: $why"
  fi
  if ! make_certs "$dir" "$engine_ip"; then
    local why
    why=$(tail -n 1 "$dir/openssl.log")
    stop "$dir"
    cannot "openssl failed: $why"
  fi
  # Its own configuration file: the machine's /etc/docker/daemon.json may name a data root or a
  # storage driver, which dockerd refuses to see given twice. vfs: the worker image is one file.
  echo '{}' >"$dir/daemon.json"
  nsenter --net="/run/netns/$name" dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" \
    --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" \
    -H "tcp://$engine_ip:2376" --tlsverify --tlscacert "$dir/tls/ca.pem" --tlscert "$dir/tls/server.pem" \
    --tlskey "$dir/tls/server-key.pem" --storage-driver vfs --iptables=false --ip6tables=false \
    --bip 172.31.254.1/24 --cgroup-parent "$name" >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 300); do
    if grep -q "API listen on $engine_ip:2376" "$dir/dockerd.log" 2>/dev/null; then
      echo "tcp://$engine_ip:2376"
      return 0
    fi
    kill -0 $! 2>/dev/null || break
    sleep 0.2
  done
  local why
  why=$(grep -E 'level=(error|fatal)|failed' "$dir/dockerd.log" | tail -n 1)
  stop "$dir"
  cannot "dockerd did not start in its namespace within 60 s: ${why:-no error logged}"
}

case "${1:-}" in
  start) start "${2:?usage: second_engine.sh start DIR}" ;;
  stop) stop "${2:?usage: second_engine.sh stop DIR}" ;;
  *) echo "usage: second_engine.sh start|stop DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# docker-up.sh - idempotently bring up a local Docker engine for the failover drills.
#   * installs Debian's docker.io when dockerd is missing (apt-get update first)
#   * starts dockerd WITHOUT the default bridge and WITHOUT iptables: no docker0, no 172.17.0.0/16, no NAT.
#     Drill containers use the host network (Testcontainers withNetworkMode("host")) and bind 127.0.0.1 only.
#   * waits (bounded) until `docker info` answers and prints the elapsed time
# Must run as root. Running it again does nothing when the engine already answers.
# Env knobs:
#   DOCKERD_LOG      dockerd log file     (default: ${TMPDIR:-/tmp}/dockerd.log)
#   DOCKERD_PIDFILE  dockerd pid file     (default: /var/run/docker.pid)
#   DOCKER_UP_WAIT   max seconds to wait  (default: 60)
#   DOCKERD_EXTRA    extra dockerd args   (default: empty)
# Stop the engine it started: kill -TERM "$(cat /var/run/docker.pid)"
set -euo pipefail

start_ns=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - start_ns) / 1000000 )) ms"; }

SOCK=/var/run/docker.sock
LOG=${DOCKERD_LOG:-${TMPDIR:-/tmp}/dockerd.log}
PIDFILE=${DOCKERD_PIDFILE:-/var/run/docker.pid}
WAIT=${DOCKER_UP_WAIT:-60}
# The client shipped with the engine speaks its API version; any newer CLI on PATH negotiates down.
DOCKER=/usr/bin/docker; [ -x "$DOCKER" ] || DOCKER=docker

if [ "$(id -u)" -ne 0 ]; then echo "docker-up: must run as root" >&2; exit 1; fi

answers() { timeout 10 "$DOCKER" -H "unix://$SOCK" info >/dev/null 2>&1; }

# state letter of a pid from /proc (Z when gone): PID 1 here may reap late, and a zombie fools kill -0
proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo Z; }

# pid from the pid file when it is a live (non-zombie) dockerd, else nothing
live_dockerd() {
  local p
  p=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = dockerd ] || return 0
  [ "$(proc_state "$p")" != Z ] && echo "$p"
  return 0
}

# any non-zombie process named dockerd (only /proc: minimal systems have no pgrep)
any_live_dockerd() {
  local d
  for d in /proc/[0-9]*; do
    [ "$(cat "$d/comm" 2>/dev/null)" = dockerd ] || continue
    [ "$(proc_state "${d#/proc/}")" != Z ] && return 0
  done
  return 1
}

if answers; then
  echo "docker-up: engine already answering on $SOCK (checked in $(elapsed))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || [ ! -x /usr/bin/docker ]; then
  echo "docker-up: installing docker.io ..."
  export DEBIAN_FRONTEND=noninteractive
  # The package's init script would start a DEFAULT dockerd (docker0 bridge + iptables NAT):
  # deny service starts while installing, unless a policy already does.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$guard"; chmod 755 "$guard"
    trap 'rm -f "$guard"' EXIT
  fi
  apt-get update -qq || echo "docker-up: apt-get update failed; trying the install anyway" >&2
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  if [ -n "$guard" ]; then rm -f "$guard"; trap - EXIT; fi
  DOCKER=/usr/bin/docker
  echo "docker-up: docker.io installed ($(elapsed))"
fi

start_dockerd() {
  rm -f "$PIDFILE"            # a stale pid file of a dead dockerd blocks a new one
  # After kill -9 of dockerd its managed containerd may linger as a zombie; a new dockerd would
  # "reuse" it and time out after ~15 s. Drop that stale pid file.
  local cpf=/var/run/docker/containerd/containerd.pid cpid
  cpid=$(cat "$cpf" 2>/dev/null || true)
  if [ -n "$cpid" ] && [ "$(proc_state "$cpid")" = Z ]; then rm -f "$cpf"; fi
  mkdir -p "$(dirname "$LOG")"
  # --bridge=none: no docker0 and no default "bridge" network; --iptables=false (and friends): netfilter untouched
  # shellcheck disable=SC2086
  setsid nohup dockerd \
      --host "unix://$SOCK" \
      --pidfile "$PIDFILE" \
      --bridge=none --iptables=false --ip6tables=false \
      --ip-forward=false --ip-masq=false \
      ${DOCKERD_EXTRA:-} \
      >>"$LOG" 2>&1 </dev/null &
  echo "docker-up: started dockerd pid $! (log: $LOG)"
}

pid=$(live_dockerd)
if [ -n "$pid" ]; then
  echo "docker-up: dockerd pid $pid is alive but not answering yet; waiting for it"
else
  start_dockerd
fi

deadline=$(( $(date +%s) + WAIT ))
restarted=0
until answers; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "docker-up: engine did not answer within ${WAIT}s; last log lines:" >&2
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
  # the dockerd we wait for died (or its pid file is stale): start one more, once
  if [ -z "$(live_dockerd)" ] && ! any_live_dockerd; then
    if [ "$restarted" -eq 1 ]; then
      echo "docker-up: dockerd exited during startup; last log lines:" >&2
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    restarted=1
    start_dockerd
  fi
  sleep 0.2
done
if [ -e /sys/class/net/docker0 ]; then
  echo "docker-up: WARNING: a docker0 bridge exists (another dockerd config?); the drills never use it" >&2
fi
echo "docker-up: engine ready: $("$DOCKER" version --format 'server {{.Server.Version}} API {{.Server.APIVersion}}' 2>/dev/null) in $(elapsed)"

#!/usr/bin/env bash
# Run a command with PostgreSQL and Redis available, exported as DATABASE_URL and REDIS_URL,
# and Debian's Chromium installed for the browser tests.
#
#   scripts/with-services.sh COMMAND [ARGS...]
#
# For each service: use the URL already in the environment; else the local server on its
# standard port (127.0.0.1:5432, 127.0.0.1:6379) when it answers; else start a throwaway one
# under .run/ on a spare port, installing Debian's package first when it is missing (needs
# root or sudo), and stop it afterwards. With CI=true, a service that cannot be had is a hard
# failure: the suite never falls back to SQLite.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run_dir="$root/.run"
mkdir -p "$run_dir"
started=()

say() { printf 'with-services: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

port_open() {  # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {  # package...
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; } \
    || die "could not install $* (run as root or with sudo, or install them yourself: apt-get install $*)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cleanup() {
  for item in "${started[@]:-}"; do
    case "$item" in
      pg:*) dir=${item#pg:}
            if [[ $(id -u) == 0 ]]; then su postgres -s /bin/sh -c "'$pg_bin/pg_ctl' -D '$dir' -m fast -w stop" >/dev/null 2>&1 || true
            else "$pg_bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true; fi
            rm -rf "$dir" ;;
      redis:*) port=${item#redis:}
               redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true ;;
    esac
  done
}
trap cleanup EXIT

# --- PostgreSQL ---------------------------------------------------------------------------
if [[ -z ${DATABASE_URL:-} ]]; then
  if port_open 127.0.0.1 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/tandem"
  else
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z $pg_bin ]]; then
      apt_install postgresql
      pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    port=$(free_port)
    dir="$run_dir/pg-$port"
    rm -rf "$dir" && mkdir -p "$dir"
    say "starting a throwaway PostgreSQL on 127.0.0.1:$port"
    if [[ $(id -u) == 0 ]]; then
      # initdb refuses to run as root: the cluster belongs to the postgres user.
      chown postgres "$dir"
      su postgres -s /bin/sh -c "'$pg_bin/initdb' -D '$dir' -U postgres -A trust --no-sync >/dev/null" \
        || die "initdb failed"
      su postgres -s /bin/sh -c "'$pg_bin/pg_ctl' -D '$dir' -o '-h 127.0.0.1 -p $port -k $dir -F' -l '$dir/log' -w start >/dev/null" \
        || die "PostgreSQL did not start (see $dir/log)"
    else
      "$pg_bin/initdb" -D "$dir" -U postgres -A trust --no-sync >/dev/null || die "initdb failed"
      "$pg_bin/pg_ctl" -D "$dir" -o "-h 127.0.0.1 -p $port -k $dir -F" -l "$dir/log" -w start >/dev/null \
        || die "PostgreSQL did not start (see $dir/log)"
    fi
    started+=("pg:$dir")
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/tandem"
  fi
fi
case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*) ;;
  *) [[ ${CI:-} == true ]] && die "CI needs PostgreSQL, but DATABASE_URL is $DATABASE_URL" ;;
esac

# --- Redis --------------------------------------------------------------------------------
if [[ -z ${REDIS_URL:-} ]]; then
  if port_open 127.0.0.1 6379; then
    export REDIS_URL="redis://127.0.0.1:6379/0"
  else
    command -v redis-server >/dev/null || apt_install redis-server
    port=$(free_port)
    say "starting a throwaway Redis on 127.0.0.1:$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$run_dir" --logfile "$run_dir/redis-$port.log" >/dev/null || die "Redis did not start"
    for _ in $(seq 1 50); do port_open 127.0.0.1 "$port" && break; sleep 0.1; done
    started+=("redis:$port")
    export REDIS_URL="redis://127.0.0.1:$port/0"
  fi
fi

# --- Chromium, for the browser tests --------------------------------------------------------
if [[ -z ${CHROMIUM:-} ]] && ! command -v chromium >/dev/null; then
  apt_install chromium
fi

# Fail loudly rather than let the suite run on something else.
db_hostport=$(python3 -c 'import os, urllib.parse as u; p=u.urlparse(os.environ["DATABASE_URL"]); print(p.hostname or "127.0.0.1", p.port or 5432)')
port_open $db_hostport || die "PostgreSQL at $DATABASE_URL does not answer"
redis_hostport=$(python3 -c 'import os, urllib.parse as u; p=u.urlparse(os.environ["REDIS_URL"]); print(p.hostname or "127.0.0.1", p.port or 6379)')
port_open $redis_hostport || die "Redis at $REDIS_URL does not answer"

say "PostgreSQL: $DATABASE_URL"
say "Redis: $REDIS_URL"
"$@"

#!/usr/bin/env bash
# Brings up the local services the integration tests use, on a Debian 12 (bookworm) machine:
#   - PostgreSQL (installed from apt if missing, started if down) with the pgvector extension,
#     built from Debian trixie's source package because bookworm does not package it;
#   - Redis (installed from apt if missing, started if down);
#   - the test database crm_test with `vector` enabled.
# Idempotent: every step checks first, so a second run only does the checks (a second or two).
# Runs as root, or as a user with sudo.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
TEST_DB=crm_test
REDIS_PORT=6379
# pgvector is taken from this Debian release's source package (bookworm has none).
PGVECTOR_SOURCE_SUITE=trixie

log() { printf '[setup-services] %s\n' "$*"; }
die() { printf '[setup-services] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "run as root or install sudo"
fi
as_root() { "${SUDO[@]}" "$@"; }

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# wait_for DESCRIPTION COMMAND...: retries COMMAND for up to 60 s.
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what did not come up within 60 s"
}

psql_admin() { psql -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

# ---------------------------------------------------------------- install
INSTALLED_POSTGRES=0
if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || ! command -v pg_isready >/dev/null; then
  apt_install postgresql postgresql-contrib
  INSTALLED_POSTGRES=1
fi
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server
fi

PG_MAJOR=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_MAJOR" ] || die "no PostgreSQL cluster under /etc/postgresql"
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config

# ---------------------------------------------------------------- start PostgreSQL
if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  log "PostgreSQL $PG_MAJOR is up on $PG_HOST:$PG_PORT"
else
  log "starting PostgreSQL $PG_MAJOR"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
  wait_for "PostgreSQL" pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
  log "PostgreSQL $PG_MAJOR is up"
fi

if [ "$INSTALLED_POSTGRES" -eq 1 ] && ! psql_admin -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
  # A fresh Debian cluster asks for passwords over TCP; the tests connect as postgres without one.
  hba=/etc/postgresql/$PG_MAJOR/main/pg_hba.conf
  log "allowing passwordless loopback connections in $hba (test machine only)"
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main reload
fi
wait_for "PostgreSQL login as $PG_USER" psql_admin -d postgres -c 'SELECT 1'

# ---------------------------------------------------------------- start Redis
if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
  log "Redis is up on 127.0.0.1:$REDIS_PORT"
else
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for "Redis" sh -c "[ \"\$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping)\" = PONG ]"
  log "Redis is up"
fi

# ---------------------------------------------------------------- pgvector
# Prints the URI of the Debian mirror this machine's apt already uses for its own release,
# read from deb822 *.sources files first, then from one-line sources.list files.
debian_mirror() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 1
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v want="$codename" '
      function flush() {
        if (!found && uris != "" && enabled != "no" && (" " suites " ") ~ (" " want " ")) {
          split(uris, u, " "); print u[1]; found = 1
        }
        uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "uris:"    { sub(/^[^:]*:[ \t]*/, ""); uris = $0; next }
      tolower($1) == "suites:"  { sub(/^[^:]*:[ \t]*/, ""); suites = $0; next }
      tolower($1) == "enabled:" { enabled = tolower($2); next }
      END { flush() }
    ' "$f")
    if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v want="$codename" '
      /^[ \t]*#/ { next }
      $1 == "deb" || $1 == "deb-src" {
        line = $0; gsub(/\[[^]]*\]/, "", line); n = split(line, w, /[ \t]+/)
        # w[1] is deb/deb-src, then URI and suite.
        if (w[3] == want) { print w[2]; exit }
      }
    ' "$f")
    if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
  done
  return 1
}

vector_available() {
  [ -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ] && return 0
  [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")" = 1 ]
}

build_pgvector() {
  local started=$SECONDS
  local need=()
  dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1 || need+=("postgresql-server-dev-$PG_MAJOR")
  dpkg -s build-essential >/dev/null 2>&1 || need+=(build-essential)
  dpkg -s dpkg-dev >/dev/null 2>&1 || need+=(dpkg-dev)
  [ "${#need[@]}" -eq 0 ] || apt_install "${need[@]}"

  local mirror
  mirror=$(debian_mirror) || die "could not read the Debian mirror from /etc/apt sources"

  # Everything apt needs for this one download lives in a temporary directory: its own
  # sources list (one deb-src line) and its own package lists, so the machine's apt
  # configuration and lists are never touched and nothing has to be restored afterwards.
  local tmp
  tmp=$(as_root mktemp -d /tmp/pgvector-build.XXXXXX)
  # shellcheck disable=SC2064
  trap "${SUDO[*]} rm -rf '$tmp'" EXIT
  as_root chmod 0755 "$tmp"
  as_root mkdir -p "$tmp/lists/partial" "$tmp/src" "$tmp/no-parts"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local signed_by=""
  [ -f "$keyring" ] && signed_by="[signed-by=$keyring] "
  echo "deb-src ${signed_by}$mirror $PGVECTOR_SOURCE_SUITE main" | as_root tee "$tmp/sources.list" >/dev/null
  log "temporary apt source: $(cat "$tmp/sources.list")"
  local apt_opts=(
    -o "Dir::Etc::SourceList=$tmp/sources.list"
    -o "Dir::Etc::SourceParts=$tmp/no-parts"
    -o "Dir::State::Lists=$tmp/lists"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Sandbox::User=root"
  )
  log "apt-get update (temporary $PGVECTOR_SOURCE_SUITE deb-src list only)"
  as_root apt-get "${apt_opts[@]}" update -qq
  log "apt-get source pgvector"
  (cd "$tmp/src" && as_root apt-get "${apt_opts[@]}" source -qq pgvector >/dev/null)
  local srcdir
  srcdir=$(find "$tmp/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [ -n "$srcdir" ] || die "apt-get source pgvector produced no source tree"
  log "building $(basename "$srcdir") against PostgreSQL $PG_MAJOR"
  # OPTFLAGS= : no -march=native, as Debian builds it, so the library runs on any x86-64 CPU.
  as_root make -s -C "$srcdir" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null
  as_root make -s -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >/dev/null
  as_root rm -rf "$tmp"
  trap - EXIT
  log "pgvector installed in $((SECONDS - started)) s"
}

if vector_available; then
  log "pgvector is available to PostgreSQL $PG_MAJOR"
else
  log "pgvector is missing: building it from Debian $PGVECTOR_SOURCE_SUITE's source package"
  build_pgvector
  vector_available || die "pgvector still not available after the build"
fi

# ---------------------------------------------------------------- test database
if [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'")" = 1 ]; then
  log "database $TEST_DB exists"
else
  log "creating database $TEST_DB"
  psql_admin -d postgres -c "CREATE DATABASE $TEST_DB OWNER $PG_USER"
fi
PGOPTIONS='-c client_min_messages=warning' psql_admin -d "$TEST_DB" -c 'CREATE EXTENSION IF NOT EXISTS vector'
log "vector $(psql_admin -d "$TEST_DB" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'vector'") enabled in $TEST_DB"

# ---------------------------------------------------------------- browser for the page tests
# Debian's chromium: playwright-core drives it; no browser is ever downloaded from elsewhere.
if command -v chromium >/dev/null 2>&1; then
  log "chromium is installed"
else
  log "installing Debian's chromium for the browser tests"
  apt_install chromium
fi

log "ready. Export:"
echo "TEST_DATABASE_URL=postgres://$PG_USER@$PG_HOST:$PG_PORT/$TEST_DB"
echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"

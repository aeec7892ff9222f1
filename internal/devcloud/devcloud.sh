#!/usr/bin/env bash
# devcloud.sh — a real Keystone + Glance on 127.0.0.1 for the demo and the acceptance tests.
#
#   devcloud.sh up      install packages if missing, configure, start, bootstrap (idempotent)
#   devcloud.sh down    stop exactly the processes this script started
#   devcloud.sh status  exit 0 when both services answer
#   devcloud.sh keystone PORT [CONFIG]
#                       one more Keystone in the foreground, on the same database and keys
#                       (CONFIG defaults to the short-token one): for tests that stop and
#                       restart Keystone
#
# Everything lives in $DEVCLOUD_DIR (default: .devcloud in the repository). After `up`,
# $DEVCLOUD_DIR/env holds OS_CLIENT_CONFIG_FILE and the project and image IDs, and
# $DEVCLOUD_DIR/clouds.yaml has the clouds admin, producer, consumer and consumer2.
#
# Tunables (environment): DEVCLOUD_KEYSTONE_PORT (5000), DEVCLOUD_GLANCE_PORT (9292),
# DEVCLOUD_GLANCE2_PORT (9293: the second region's Glance),
# DEVCLOUD_MEMBER_QUOTA (60, Glance's image_member_quota: room for the 50-member tests), DEVCLOUD_TOKEN_EXPIRATION
# (3600 seconds, Keystone's token lifetime), DEVCLOUD_SHORT_KEYSTONE_PORT (5001) and
# DEVCLOUD_SHORT_TOKEN_EXPIRATION (10 seconds): the second Keystone, with short-lived tokens.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${DEVCLOUD_DIR:-$repo/.devcloud}
kport=${DEVCLOUD_KEYSTONE_PORT:-5000}
gport=${DEVCLOUD_GLANCE_PORT:-9292}
# A second Glance, with its own database and images, in the catalog as region RegionTwo.
g2port=${DEVCLOUD_GLANCE2_PORT:-$((gport + 1))}
# A second Keystone on the same database whose tokens expire within seconds, for the
# re-authentication test.
skport=${DEVCLOUD_SHORT_KEYSTONE_PORT:-$((kport + 1))}
short_expiration=${DEVCLOUD_SHORT_TOKEN_EXPIRATION:-10}
quota=${DEVCLOUD_MEMBER_QUOTA:-60}
expiration=${DEVCLOUD_TOKEN_EXPIRATION:-3600}
# Debian's libraries are only visible to Debian's interpreter, not to a pyenv/venv python3.
py=/usr/bin/python3
admin_password=devcloud-admin
glance_password=devcloud-glance
packages=(python3-keystone python3-glance uwsgi-core uwsgi-plugin-python3)

log() { printf 'devcloud: %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (needs root; about a minute)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  # Keep package scripts from starting daemons of their own while we install.
  local had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ $had_policy -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
  fi
  local rc=0
  {
    $sudo apt-get update -qq &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$dir/apt.log" 2>&1 || rc=$?
  [ $had_policy -eq 0 ] && $sudo rm -f /usr/sbin/policy-rc.d
  if [ $rc -ne 0 ]; then
    tail -20 "$dir/apt.log" >&2
    log "package install failed (log: $dir/apt.log)"
    exit 1
  fi
}

# Glance ships its entry points only with the service packages (which prompt through debconf),
# so call the library's main functions directly.
write_launchers() {
  for cmd in api manage; do
    cat >"$dir/bin/glance-$cmd" <<EOF
#!$py
import sys
from glance.cmd.$cmd import main
sys.exit(main())
EOF
    chmod +x "$dir/bin/glance-$cmd"
  done
}

write_configs() {
  cat >"$dir/keystone.conf" <<EOF
[DEFAULT]
log_file = $dir/log/keystone.log
[database]
connection = sqlite:///$dir/keystone.db
[token]
provider = fernet
expiration = $expiration
[fernet_tokens]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[identity]
# Logins stay fast: these are throw-away test passwords.
password_hash_rounds = 4
EOF

  sed -e "s/^expiration = .*/expiration = $short_expiration/" \
    -e "s|^log_file = .*|log_file = $dir/log/keystone-short.log|" "$dir/keystone.conf" >"$dir/keystone-short.conf"

  cat >"$dir/glance-api-paste.ini" <<EOF
[pipeline:glance-api-keystone]
pipeline = healthcheck versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
EOF

  glance_conf glance-api.conf "$gport" glance images staging tasks "$quota"
  # The second region's Glance has no limit on members per image: room for the tests of
  # thousands of members (internal/bench).
  glance_conf glance2-api.conf "$g2port" glance2 images2 staging2 tasks2 -1
}

# glance_conf FILE PORT NAME IMAGES STAGING TASKS QUOTA: a Glance's configuration; NAME names
# its database and log; QUOTA is its image_member_quota.
glance_conf() {
  cat >"$dir/$1" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $2
# One eventlet process: SQLite takes one writer.
workers = 0
log_file = $dir/log/$3-api.log
image_member_quota = $7
# Pages of 2 images (Glance's default is 25), so the tests follow real pagination; and at most
# 150 when more are asked for (Glance's default is 1000), so that the provider's lists of 200
# shared images (TestAccCost_requests) follow it too.
limit_param_default = 2
api_limit_max = 150
enabled_backends = fs:file
# Like current clouds: secure RBAC with scope checks.
enforce_secure_rbac = true
[database]
connection = sqlite:///$dir/$3.db
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $dir/$4
[os_glance_staging_store]
filesystem_store_datadir = $dir/$5
[os_glance_tasks_store]
filesystem_store_datadir = $dir/$6
[paste_deploy]
flavor = keystone
config_file = $dir/glance-api-paste.ini
[oslo_policy]
enforce_new_defaults = true
enforce_scope = true
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$kport/v3
auth_url = http://127.0.0.1:$kport/v3
auth_type = password
username = glance
password = $glance_password
project_name = service
user_domain_name = Default
project_domain_name = Default
EOF
}

wal() { "$py" -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("pragma journal_mode=wal")' "$1"; }

init_databases() {
  # A marker, not the database file: a half-done init starts over.
  if [ ! -f "$dir/keystone.initialised" ]; then
    log "initialising keystone database"
    rm -rf "$dir/keystone.db" "$dir/fernet-keys" "$dir/credential-keys"
    local km=(keystone-manage --config-file "$dir/keystone.conf")
    # keystone-manage prints eventlet noise at exit; keep it in the log.
    local mlog="$dir/log/keystone-manage.log"
    "${km[@]}" db_sync >>"$mlog" 2>&1
    "${km[@]}" fernet_setup --keystone-user root --keystone-group root >>"$mlog" 2>&1
    "${km[@]}" credential_setup --keystone-user root --keystone-group root >>"$mlog" 2>&1
    "${km[@]}" bootstrap --bootstrap-password "$admin_password" \
      --bootstrap-admin-url "http://127.0.0.1:$kport/v3" \
      --bootstrap-internal-url "http://127.0.0.1:$kport/v3" \
      --bootstrap-public-url "http://127.0.0.1:$kport/v3" \
      --bootstrap-region-id RegionOne >>"$mlog" 2>&1
    wal "$dir/keystone.db"
    touch "$dir/keystone.initialised"
  fi
  local g
  for g in glance glance2; do
    if [ ! -f "$dir/$g.initialised" ]; then
      log "initialising $g database"
      rm -f "$dir/$g.db"
      "$dir/bin/glance-manage" --config-file "$dir/$g-api.conf" db_sync >>"$dir/log/$g-manage.log" 2>&1
      wal "$dir/$g.db"
      touch "$dir/$g.initialised"
    fi
  done
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# listeners PORT: the pids listening on TCP port PORT (any address), from /proc, so that no
# tool beyond bash, awk and find is needed; one find reads every process's descriptors (a
# process per descriptor took half a minute on a busy machine). Empty when nothing listens
# (or its owner is not visible).
listeners() {
  local hex inodes inode
  hex=$(printf '%04X' "$1")
  inodes=$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)
  [ -n "$inodes" ] || return 0
  local match=()
  for inode in $inodes; do
    match+=(${match[0]:+-o} -lname "socket:\[$inode\]")
  done
  # find fails on processes that end while it reads them: not an error here (pipefail).
  { find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 \( "${match[@]}" \) 2>/dev/null || true; } | cut -d/ -f3 | sort -u
}

# describe PIDS: "pid 123 (uwsgi --plugin …)" for each.
describe() {
  local pid out=""
  for pid in "$@"; do
    out+="${out:+, }pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100 | sed 's/ *$//'))"
  done
  echo "${out:-a process this user cannot see}"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# check_port NAME PORT VARIABLE: before starting NAME, refuse a port that something else holds
# (another checkout's local cloud, a devstack): a second service beside it would answer half
# the requests from another database.
check_port() {
  port_taken "$2" || return 0
  log "cannot start $1: 127.0.0.1:$2 is already in use by $(describe $(listeners "$2"))."
  log "Stop that process, or choose free ports: DEVCLOUD_KEYSTONE_PORT ($kport), DEVCLOUD_SHORT_KEYSTONE_PORT ($skport), DEVCLOUD_GLANCE_PORT ($gport), DEVCLOUD_GLANCE2_PORT ($g2port); $3 is the one for $1."
  exit 1
}

check_ports() {
  alive "$dir/keystone.pid" || check_port keystone "$kport" DEVCLOUD_KEYSTONE_PORT
  alive "$dir/keystone-short.pid" || check_port keystone-short "$skport" DEVCLOUD_SHORT_KEYSTONE_PORT
  alive "$dir/glance.pid" || check_port glance "$gport" DEVCLOUD_GLANCE_PORT
  alive "$dir/glance2.pid" || check_port glance2 "$g2port" DEVCLOUD_GLANCE2_PORT
}

# check_answering NAME PORT PIDFILE: the process that answers on PORT is the one we started,
# not one that held the port before it (its own bind then failed).
check_answering() {
  local pid
  pid=$(cat "$3")
  if ! listeners "$2" | grep -qx "$pid"; then
    log "$1 (pid $pid) is not the process listening on 127.0.0.1:$2: $(describe $(listeners "$2")) is. Stopping ours."
    kill "$pid" 2>/dev/null || true
    rm -f "$3"
    exit 1
  fi
}

wait_for() { # url name
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  log "$2 did not answer at $1; last log lines:"
  tail -30 "$dir/log/$2.log" >&2 || true
  exit 1
}

# keystone PORT CONFIG: run a Keystone in the foreground (exec: its pid is the caller's).
# Exactly one process and one thread: SQLite takes one writer at a time.
keystone() {
  exec uwsgi --plugin python3 --http-socket "127.0.0.1:$1" \
    --wsgi-file /usr/bin/keystone-wsgi-public --processes 1 --threads 1 \
    --die-on-term --skip-atexit-teardown --need-app \
    --env "OS_KEYSTONE_CONFIG_FILES=$2"
}

start_keystone() { # name port config
  if ! alive "$dir/$1.pid"; then
    log "starting $1 on 127.0.0.1:$2"
    # setsid: out of the caller's process group, so a Ctrl-C on make leaves it running.
    setsid bash "$here/devcloud.sh" keystone "$2" "$3" >"$dir/log/$1-uwsgi.log" 2>&1 </dev/null &
    echo $! >"$dir/$1.pid"
  fi
  wait_for "http://127.0.0.1:$2/v3" "$1-uwsgi"
  check_answering "$1" "$2" "$dir/$1.pid"
}

start_services() {
  start_keystone keystone "$kport" "$dir/keystone.conf"
  start_keystone keystone-short "$skport" "$dir/keystone-short.conf"
  start_glance glance "$gport"
  start_glance glance2 "$g2port"
}

start_glance() { # name port
  if ! alive "$dir/$1.pid"; then
    log "starting $1 on 127.0.0.1:$2"
    setsid "$dir/bin/glance-api" --config-file "$dir/$1-api.conf" \
      >"$dir/log/$1-stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/$1.pid"
  fi
  wait_for "http://127.0.0.1:$2/healthcheck" "$1-api"
  check_answering "$1" "$2" "$dir/$1.pid"
}

bootstrap() {
  log "bootstrapping projects, users and images"
  (cd "$repo" && go run ./internal/devcloud/devcloudctl bootstrap \
    -dir "$dir" -auth-url "http://127.0.0.1:$kport/v3" -admin-password "$admin_password" \
    -glance-url "http://127.0.0.1:$gport" -glance2-url "http://127.0.0.1:$g2port" -glance-password "$glance_password" -member-quota "$quota" \
    -short-auth-url "http://127.0.0.1:$skport/v3" -short-token-seconds "$short_expiration")
}

up() {
  mkdir -p "$dir"/{bin,log,images,staging,tasks,images2,staging2,tasks2}
  check_ports
  install_packages
  write_launchers
  write_configs
  init_databases
  start_services
  bootstrap
  log "up: source $dir/env to use it"
}

down() {
  for name in glance2 glance keystone-short keystone; do
    local pidfile="$dir/$name.pid"
    if alive "$pidfile"; then
      local pid
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      log "stopped $name (pid $pid)"
    fi
    rm -f "$pidfile"
  done
}

status() {
  curl -fsS -o /dev/null "http://127.0.0.1:$kport/v3" && curl -fsS -o /dev/null "http://127.0.0.1:$skport/v3" && curl -fsS -o /dev/null "http://127.0.0.1:$gport/healthcheck" && curl -fsS -o /dev/null "http://127.0.0.1:$g2port/healthcheck" && [ -f "$dir/env" ]
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  keystone) keystone "$2" "${3:-$dir/keystone-short.conf}" ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

# lib.sh - shared by scripts/demo, scripts/test and scripts/test-stack: Debian packages, the
# build, a private PostgreSQL 15 cluster, the development CA, agencyd's config and its process.
# shellcheck shell=bash
# Source it from bash after setting AG_TAG (the prefix of every line printed).

AG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
AG_PG_BIN=/usr/lib/postgresql/15/bin
AG_TAG=${AG_TAG:-agency}

# ---- messages ----

ag_say() { printf '%s: %s\n' "$AG_TAG" "$*"; }
ag_die() {
    printf '%s: error: %s\n' "$AG_TAG" "$*" >&2
    exit 1
}
# Prints the last lines of a log file to stderr (for a failed step).
ag_tail() { [ -f "$1" ] && tail -n "${2:-40}" "$1" | sed 's/^/  | /' >&2; }

# ---- privileges ----

ag_is_root() { [ "$(id -u)" -eq 0 ]; }
# The OS user that owns and runs PostgreSQL: initdb refuses root, so root hands it to postgres.
ag_pg_os_user() { if ag_is_root; then echo postgres; else id -un; fi; }
# Runs a command as the PostgreSQL OS user, from / (the caller's directory may be unreadable).
ag_as_pg() {
    if ag_is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# ag_lock FILE: holds an exclusive lock on FILE (fd 9) until the script exits, so that two runs
# on the same state do not interleave. Daemons are started with fd 9 closed.
ag_lock() {
    exec 9>"$1"
    flock -w 600 9 || ag_die "another run holds $1"
}

# ---- Debian packages ----

# Installs the packages of scripts/packages.txt that are missing; silent when none is.
ag_ensure_packages() {
    local pkg missing=() log
    while read -r pkg; do
        case "$pkg" in '' | '#'*) continue ;; esac
        if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" != "ii " ]; then
            missing+=("$pkg")
        fi
    done <"$AG_ROOT/scripts/packages.txt"
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    ag_is_root || sudo=(sudo)
    ag_say "installing Debian packages: ${missing[*]}"
    log=$(mktemp)
    if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        ag_tail "$log"
        rm -f "$log"
        ag_die "apt-get failed"
    fi
    rm -f "$log"
}

# ---- build ----

# ag_build DIR LOG [cmake options...]: configures and builds DIR from the checkout (every
# target, or only the targets listed in $AG_BUILD_TARGET when set); the output goes to LOG, its
# end is shown on failure.
ag_build() {
    local dir=$1 log=$2 target=()
    shift 2
    # shellcheck disable=SC2206
    [ -n "${AG_BUILD_TARGET:-}" ] && target=(--target ${AG_BUILD_TARGET})
    mkdir -p "$dir" "$(dirname "$log")"
    # One build at a time per tree (scripts/demo and scripts/test share build/).
    if ! (
        flock -w 1800 8 || exit 1
        cmake -S "$AG_ROOT" -B "$dir" "$@" && cmake --build "$dir" -j "$(nproc)" "${target[@]}"
    ) 8>"$dir/.build.lock" >"$log" 2>&1; then
        ag_tail "$log" 60
        ag_die "build failed in $dir (full log: $log)"
    fi
}

# ---- small helpers ----

ag_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }
ag_random_hex() { openssl rand -hex "${1:-24}"; }

# Percent-encodes a string for a URI component.
ag_urlencode() {
    local LC_ALL=C s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case "$c" in
        [A-Za-z0-9._~-]) out+=$c ;;
        *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# Writes KEY=value as one line: plain when the value is made of safe characters, else
# single-quoted shell style ('\'' for a quote), so the file can be sourced by a shell.
ag_env_line() {
    local key=$1 val=$2
    if [[ "$val" =~ ^[A-Za-z0-9_@%+=:,./-]*$ ]]; then
        printf '%s=%s\n' "$key" "$val"
    else
        printf "%s='%s'\n" "$key" "${val//\'/\'\\\'\'}"
    fi
}

# A libpq keyword/value pair with the value single-quoted.
ag_kv() {
    local v=${2//\\/\\\\}
    printf "%s='%s'" "$1" "${v//\'/\\\'}"
}

# A TCP port on 127.0.0.1 that nothing uses right now (outside the ephemeral range).
ag_free_port() {
    local used=" " line hex p i
    while read -r _ line _; do
        hex=${line##*:}
        [[ "$hex" =~ ^[0-9A-Fa-f]{4}$ ]] && used+="$((16#$hex)) "
    done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        [[ "$used" == *" $p "* ]] || {
            echo "$p"
            return 0
        }
    done
    return 1
}

# True when pid is alive and its command is prog (guards against a reused pid).
ag_pid_is() {
    local pid=$1 prog=$2 comm
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [ "$comm" = "${prog:0:15}" ]
}

# ---- PostgreSQL ----

# ag_pg_layout STATE PORT: sets AG_PGDATA (STATE/pg), AG_PGSOCK and AG_PGPORT.
# When root and the postgres user cannot reach STATE (a checkout in a private home), the cluster
# lives in /var/tmp/agency-desk-<hash of STATE>/pg and STATE/pg is a symlink to it. A unix socket
# path must fit in 107 bytes: when STATE is too deep for "<dir>/.s.PGSQL.<port>", the socket goes
# to /tmp/agency-desk-<hash of STATE> instead.
ag_pg_layout() {
    local state=$1 h
    h=$(ag_hash "$state")
    AG_PGPORT=$2
    AG_PGDATA=$state/pg
    if [ -L "$AG_PGDATA" ]; then
        AG_PGDATA=$(readlink "$AG_PGDATA")
    elif ag_is_root && [ ! -d "$AG_PGDATA" ] && ! runuser -u postgres -- test -x "$state"; then
        AG_PGDATA=/var/tmp/agency-desk-$h/pg
        mkdir -p "$(dirname "$AG_PGDATA")"
        ln -sfn "$AG_PGDATA" "$state/pg"
    fi
    AG_PGSOCK=$AG_PGDATA
    if [ $((${#AG_PGSOCK} + 10 + ${#AG_PGPORT})) -gt 107 ]; then
        AG_PGSOCK=/tmp/agency-desk-$h
    fi
}

# The superuser name initdb gives the cluster (the OS user, so peer authentication works).
ag_pg_superuser() { ag_pg_os_user; }

# psql as the superuser over the socket; extra arguments follow.
ag_pg_psql_super() {
    ag_as_pg "$AG_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$AG_PGSOCK" -p "$AG_PGPORT" \
        -U "$(ag_pg_superuser)" "$@"
}

# ag_pg_init FSYNC: creates the cluster in AG_PGDATA when it does not exist. Authentication:
# the superuser by peer only (the scripts' admin steps), every other role by SCRAM password;
# unix socket only, no TCP.
ag_pg_init() {
    local fsync=$1 log
    [ -f "$AG_PGDATA/PG_VERSION" ] && return 0
    mkdir -p "$AG_PGDATA"
    ag_is_root && chown postgres: "$AG_PGDATA"
    chmod 0700 "$AG_PGDATA"
    log=$(mktemp)
    if ! ag_as_pg "$AG_PG_BIN/initdb" -D "$AG_PGDATA" -U "$(ag_pg_superuser)" -E UTF8 \
        --locale=C.UTF-8 --auth-local=peer --auth-host=reject >"$log" 2>&1; then
        ag_tail "$log"
        rm -f "$log"
        ag_die "initdb failed in $AG_PGDATA"
    fi
    rm -f "$log"
    ag_as_pg tee "$AG_PGDATA/pg_hba.conf" >/dev/null <<EOF
# Agency Desk private cluster: unix socket only. The superuser by peer (set-up scripts),
# agency_owner and agency_app by SCRAM password.
local all $(ag_pg_superuser) peer
local all all scram-sha-256
EOF
    ag_as_pg tee -a "$AG_PGDATA/postgresql.conf" >/dev/null <<EOF

# Agency Desk: settings written by scripts/lib.sh
listen_addresses = ''
shared_buffers = 32MB
max_connections = 100
password_encryption = 'scram-sha-256'
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
include_if_exists = 'agency_socket.conf'
EOF
}

# The postmaster's pid when the cluster runs, else nothing (exit status 1).
ag_pg_pid() {
    local pid
    pid=$(head -n1 "$AG_PGDATA/postmaster.pid" 2>/dev/null) || return 1
    ag_pid_is "$pid" postgres && echo "$pid"
}

# Starts the cluster (no-op when it runs) and waits until it accepts connections.
ag_pg_start() {
    ag_pg_pid >/dev/null && return 0
    mkdir -p "$AG_PGSOCK"
    ag_is_root && chown postgres: "$AG_PGSOCK"
    chmod 0700 "$AG_PGSOCK"
    printf "unix_socket_directories = '%s'\nport = %s\n" "$AG_PGSOCK" "$AG_PGPORT" |
        ag_as_pg tee "$AG_PGDATA/agency_socket.conf" >/dev/null
    # setsid: the postmaster must not share the caller's session or keep its pipes open.
    if ! ag_as_pg setsid -w "$AG_PG_BIN/pg_ctl" -D "$AG_PGDATA" -l "$AG_PGDATA/server.log" \
        -w -t 60 start >/dev/null 2>&1 9>&-; then
        ag_tail "$AG_PGDATA/server.log"
        ag_die "PostgreSQL did not start (log: $AG_PGDATA/server.log)"
    fi
}

# Stops the cluster (fast: rolls back open transactions) and waits for it.
ag_pg_stop() {
    ag_pg_pid >/dev/null || return 0
    ag_as_pg "$AG_PG_BIN/pg_ctl" -D "$AG_PGDATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        ag_die "PostgreSQL did not stop (log: $AG_PGDATA/server.log)"
}

# Restarts the cluster (drops every connection) and waits until it accepts connections again.
ag_pg_restart() {
    ag_as_pg setsid -w "$AG_PG_BIN/pg_ctl" -D "$AG_PGDATA" -l "$AG_PGDATA/server.log" -m fast \
        -w -t 60 restart >/dev/null 2>&1 9>&- || ag_die "PostgreSQL did not restart"
}

# ag_pg_secrets FILE: loads (or creates once, mode 0600) the two roles' random passwords into
# AG_OWNER_PASSWORD and AG_APP_PASSWORD.
ag_pg_secrets() {
    local f=$1
    if [ ! -s "$f" ]; then
        (
            umask 077
            printf 'AG_OWNER_PASSWORD=%s\nAG_APP_PASSWORD=%s\n' "$(ag_random_hex)" \
                "$(ag_random_hex)" >"$f"
        )
    fi
    AG_OWNER_PASSWORD=$(sed -n 's/^AG_OWNER_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
    AG_APP_PASSWORD=$(sed -n 's/^AG_APP_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
    [ -n "$AG_OWNER_PASSWORD" ] && [ -n "$AG_APP_PASSWORD" ] || ag_die "unreadable secrets in $f"
}

# Creates (or brings in line) the owner role, the application role and the database "agency".
# The owner owns the database and runs the migrations; the application role owns nothing and
# may not bypass row-level security. Passwords go through stdin, never the command line.
ag_pg_roles() {
    ag_pg_psql_super -d postgres >/dev/null <<EOF
SELECT 'CREATE ROLE agency_owner' WHERE NOT EXISTS
    (SELECT 1 FROM pg_roles WHERE rolname = 'agency_owner') \gexec
SELECT 'CREATE ROLE agency_app' WHERE NOT EXISTS
    (SELECT 1 FROM pg_roles WHERE rolname = 'agency_app') \gexec
ALTER ROLE agency_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS PASSWORD '$AG_OWNER_PASSWORD';
ALTER ROLE agency_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    NOBYPASSRLS NOINHERIT PASSWORD '$AG_APP_PASSWORD';
SELECT 'CREATE DATABASE agency OWNER agency_owner ENCODING ''UTF8'' TEMPLATE template0'
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'agency') \gexec
REVOKE ALL ON DATABASE agency FROM PUBLIC;
GRANT CONNECT ON DATABASE agency TO agency_app;
EOF
}

# libpq connection strings of the two roles (keyword/value form, for agencyd.conf).
ag_owner_conninfo() {
    printf '%s port=%s dbname=agency user=agency_owner %s' "$(ag_kv host "$AG_PGSOCK")" \
        "$AG_PGPORT" "$(ag_kv password "$AG_OWNER_PASSWORD")"
}
ag_app_conninfo() {
    printf '%s port=%s dbname=agency user=agency_app %s' "$(ag_kv host "$AG_PGSOCK")" \
        "$AG_PGPORT" "$(ag_kv password "$AG_APP_PASSWORD")"
}
# The same as URIs (for AGENCY_DB_URL and AGENCY_APP_DB_URL); the socket directory is the
# percent-encoded host, so the URI needs no query string.
ag_owner_url() {
    printf 'postgresql://agency_owner:%s@%s:%s/agency' "$AG_OWNER_PASSWORD" \
        "$(ag_urlencode "$AG_PGSOCK")" "$AG_PGPORT"
}
ag_app_url() {
    printf 'postgresql://agency_app:%s@%s:%s/agency' "$AG_APP_PASSWORD" \
        "$(ag_urlencode "$AG_PGSOCK")" "$AG_PGPORT"
}

# Runs a SQL file as the owner role (password from the environment, not the command line).
ag_psql_owner_file() {
    PGPASSWORD=$AG_OWNER_PASSWORD "$AG_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$AG_PGSOCK" \
        -p "$AG_PGPORT" -U agency_owner -d agency -f "$1"
}

# The demo data files of sql/, loaded in this order; each is idempotent.
AG_DEMO_SQL=(demo.sql demo_clients.sql demo_work.sql demo_issues.sql)

# ag_load_demo LOG: loads the demo data (staff, then clients, contacts and activities) as the
# owner role after the migrations; the output goes to LOG, its end is shown on a failure.
ag_load_demo() {
    local log=$1 f
    : >"$log"
    for f in "${AG_DEMO_SQL[@]}"; do
        if ! ag_psql_owner_file "$AG_ROOT/sql/$f" >>"$log" 2>&1; then
            ag_tail "$log"
            ag_die "loading sql/$f failed (log: $log)"
        fi
    done
}

# What the demo database holds, in a few words ("196 clients, 392 contacts, ...").
ag_demo_summary() {
    PGPASSWORD=$AG_OWNER_PASSWORD "$AG_PG_BIN/psql" -X -q -A -t -h "$AG_PGSOCK" -p "$AG_PGPORT" \
        -U agency_owner -d agency -c "SELECT format('%s users, %s clients, %s contacts, %s activities',
            (SELECT count(*) FROM agency.users), (SELECT count(*) FROM agency.clients),
            (SELECT count(*) FROM agency.contacts), (SELECT count(*) FROM agency.activities))"
}

# ---- TLS ----

# ag_tls_make DIR: a development CA (ECDSA P-256, ca.crt/ca.key) made once, and a server
# certificate signed by it (ECDSA P-256, SAN localhost and 127.0.0.1, server.crt/server.key)
# made when missing or expiring within a day. Keys are mode 0600. Returns 0 when something was
# made, 1 when everything was reused.
ag_tls_make() {
    local d=$1 made=1 log
    mkdir -p "$d"
    log=$d/openssl.log
    if [ ! -s "$d/ca.crt" ] || [ ! -s "$d/ca.key" ]; then
        (
            umask 077
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ca.key" &&
                openssl req -x509 -new -key "$d/ca.key" -sha256 -days 3650 \
                    -subj "/O=Agency Desk/CN=Agency Desk development CA" \
                    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
                    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$d/ca.crt"
        ) >"$log" 2>&1 || {
            ag_tail "$log"
            ag_die "could not make the development CA"
        }
        chmod 0644 "$d/ca.crt"
        rm -f "$d/server.crt"
        made=0
    fi
    if [ ! -s "$d/server.crt" ] || [ ! -s "$d/server.key" ] ||
        ! openssl x509 -in "$d/server.crt" -noout -checkend 86400 >/dev/null 2>&1; then
        (
            umask 077
            cat >"$d/server.ext" <<'EOF'
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/server.key" &&
                openssl req -new -key "$d/server.key" -subj "/O=Agency Desk/CN=localhost" \
                    -out "$d/server.csr" &&
                openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
                    -set_serial "0x$(ag_random_hex 16)" -days 397 -sha256 \
                    -extfile "$d/server.ext" -out "$d/server.crt"
        ) >"$log" 2>&1 || {
            ag_tail "$log"
            ag_die "could not make the server certificate"
        }
        chmod 0644 "$d/server.crt"
        rm -f "$d/server.csr" "$d/server.ext"
        made=0
    fi
    rm -f "$log"
    return $made
}

# ---- agencyd ----

# ag_write_conf FILE PORT TLSDIR [extra INI lines for [auth]...]: agencyd's config (mode 0600:
# it holds the database passwords).
ag_write_conf() {
    local f=$1 port=$2 tls=$3
    shift 3
    (
        umask 077
        {
            echo "; agencyd configuration written by scripts/lib.sh (every key:"
            echo "; server/agencyd.conf.example)"
            echo "[server]"
            echo "listen = 127.0.0.1"
            echo "port = $port"
            echo "log_level = info"
            echo
            echo "[tls]"
            echo "cert = $tls/server.crt"
            echo "key = $tls/server.key"
            echo
            echo "[database]"
            echo "conninfo = $(ag_app_conninfo)"
            echo "owner_conninfo = $(ag_owner_conninfo)"
            echo "statement_timeout = 5s"
            echo "migrations_dir = $AG_ROOT/sql"
            echo
            echo "[auth]"
            local l
            for l in "$@"; do echo "$l"; done
        } >"$f"
    )
}

# ag_agencyd_pid STATE: agencyd's pid when it runs (from STATE/agencyd.pid), else status 1.
ag_agencyd_pid() {
    local pid
    pid=$(cat "$1/agencyd.pid" 2>/dev/null) || return 1
    ag_pid_is "$pid" agencyd && echo "$pid"
}

# ag_agencyd_start STATE BIN CONF: starts agencyd in its own session, detached from the
# caller's terminal and pipes, logging to STATE/agencyd.log. A small shell waits for it and
# writes its exit status to STATE/agencyd.exit, so whoever stops it can check the status.
ag_agencyd_start() {
    local state=$1 bin=$2 conf=$3 i
    rm -f "$state/agencyd.pid" "$state/agencyd.exit"
    setsid bash -c '"$1" -c "$2" </dev/null >>"$3/agencyd.log" 2>&1 &
        echo $! >"$3/agencyd.pid.tmp" && mv "$3/agencyd.pid.tmp" "$3/agencyd.pid"
        wait $!
        echo $? >"$3/agencyd.exit"' agencyd-wait "$bin" "$conf" "$state" \
        </dev/null >/dev/null 2>&1 9>&- &
    for ((i = 0; i < 100; i++)); do
        [ -s "$state/agencyd.pid" ] && return 0
        sleep 0.05
    done
    ag_die "agencyd did not start"
}

# ag_agencyd_wait STATE PORT CA SECONDS: waits until agencyd completes a verified TLS 1.3
# handshake on 127.0.0.1:PORT. Status 1 when it exited or the time ran out.
ag_agencyd_wait() {
    local state=$1 port=$2 ca=$3 deadline=$((SECONDS + $4))
    while [ $SECONDS -lt $deadline ]; do
        [ -e "$state/agencyd.exit" ] && return 1
        if timeout 5 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
            -verify_hostname localhost -CAfile "$ca" -verify_return_error -tls1_3 \
            </dev/null >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# ag_agencyd_stop STATE SECONDS: SIGTERM (agencyd drains), waits for it to exit, SIGKILL after
# the time. Prints agencyd's exit status; status 1 when it had to be killed.
ag_agencyd_stop() {
    local state=$1 pid deadline=$((SECONDS + $2))
    pid=$(ag_agencyd_pid "$state") || {
        cat "$state/agencyd.exit" 2>/dev/null
        return 0
    }
    kill -TERM "$pid" 2>/dev/null
    while [ $SECONDS -lt $deadline ] && ag_pid_is "$pid" agencyd; do sleep 0.1; done
    if ag_pid_is "$pid" agencyd; then
        kill -KILL "$pid" 2>/dev/null
        sleep 0.2
        echo killed
        return 1
    fi
    # The waiting shell writes the status right after agencyd exits.
    for ((deadline = 0; deadline < 50; deadline++)); do
        [ -s "$state/agencyd.exit" ] && break
        sleep 0.05
    done
    cat "$state/agencyd.exit" 2>/dev/null
    return 0
}

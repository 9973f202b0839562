#!/usr/bin/env bash
# Makes sure the servers the integration tests talk to run on 127.0.0.1, as on a user's fresh
# machine: PostgreSQL (5432, trust auth for 127.0.0.1, database "test") and MariaDB (3306, root with
# no password, database "test"). Servers that already answer are used as they are; missing ones are
# installed from Debian's packages (needs root) and started. A second cluster with logical decoding
# (127.0.0.1:5433, or $CUTOVER_TEST_PG_LOGICAL_PORT) is created beside the first. Debian's Python 3
# with its cryptography and zstandard packages runs the reference reader of backups
# (docs/reference-reader/), which a test holds to what Cutover wrote.
set -euo pipefail

log() { printf '[test-servers] %s\n' "$*" >&2; }

apt_updated=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then log "need root to install $*: run as root or install them yourself"; exit 1; fi
  if [ -z "$apt_updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_answers() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
  if pg_answers && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    log "PostgreSQL answers on 127.0.0.1:5432"
  else
    if ! ls /etc/postgresql/*/main/postgresql.conf >/dev/null 2>&1; then
      log "installing PostgreSQL from Debian's packages"
      apt_install postgresql postgresql-client
    fi
    local version conf
    version=$(ls /etc/postgresql | sort -V | tail -1)
    conf=/etc/postgresql/$version/main
    # trust for local connections only: this is a test server, never a production one
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
      sed -i '/^[^#]/d' "$conf/pg_hba.conf"
      printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >> "$conf/pg_hba.conf"
    fi
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
    pg_answers || { log "PostgreSQL did not start"; exit 1; }
  fi
  if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname='test'")" != 1 ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test'
  fi
}

# A second PostgreSQL cluster of the same installation whose write-ahead log can be decoded
# (wal_level = logical), for the tests of backups that follow changes: the setting needs a restart,
# which a test script must not impose on a server it did not create.
logical_port=${CUTOVER_TEST_PG_LOGICAL_PORT:-5433}
pg_logical_answers() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p "$logical_port"; }

ensure_postgres_logical() {
  local sql="psql -h 127.0.0.1 -p $logical_port -U postgres -d postgres -Atc"
  if pg_logical_answers && [ "$($sql 'show wal_level' 2>/dev/null)" = logical ]; then
    log "PostgreSQL with logical decoding answers on 127.0.0.1:$logical_port"
  else
    local version conf
    version=$(ls /etc/postgresql | sort -V | tail -1)
    conf=/etc/postgresql/$version/cutover_logical
    if [ ! -d "$conf" ]; then
      log "creating the PostgreSQL cluster cutover_logical (port $logical_port, wal_level = logical)"
      pg_createcluster -p "$logical_port" -o wal_level=logical \
        -o max_replication_slots=20 -o max_wal_senders=20 "$version" cutover_logical >/dev/null
      sed -i '/^[^#]/d' "$conf/pg_hba.conf"
      printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n' >> "$conf/pg_hba.conf"
    fi
    log "starting the PostgreSQL cluster cutover_logical"
    pg_ctlcluster --skip-systemctl-redirect "$version" cutover_logical start
    for _ in $(seq 1 30); do pg_logical_answers && break; sleep 1; done
    [ "$($sql 'show wal_level' 2>/dev/null)" = logical ] || { log "PostgreSQL with logical decoding did not start on $logical_port"; exit 1; }
  fi
  if [ "$($sql "select 1 from pg_database where datname='test'")" != 1 ]; then
    $sql 'create database test' >/dev/null
  fi
}

maria_answers() { command -v mysql >/dev/null && mysql -h 127.0.0.1 -P 3306 -uroot -e 'select 1' >/dev/null 2>&1; }

ensure_mariadb() {
  if maria_answers; then
    log "MariaDB answers on 127.0.0.1:3306"
  else
    if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
      log "installing MariaDB from Debian's packages"
      apt_install mariadb-server mariadb-client
    fi
    log "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1
    for _ in $(seq 1 30); do mysql -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
    # Debian's root logs in by unix socket only; the tests connect over TCP with no password.
    mysql -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" || true
    maria_answers || { log "MariaDB did not start"; exit 1; }
  fi
  mysql -h 127.0.0.1 -uroot -e 'create database if not exists test'
}

python_reads_backups() { /usr/bin/python3 -c 'import cryptography, zstandard' >/dev/null 2>&1; }

ensure_python_reader() {
  if python_reads_backups; then
    log "Python 3 with cryptography and zstandard found (/usr/bin/python3)"
  else
    log "installing Python 3 with cryptography and zstandard from Debian's packages"
    apt_install python3 python3-cryptography python3-zstandard
    python_reads_backups || { log "/usr/bin/python3 still cannot import cryptography and zstandard"; exit 1; }
  fi
}

case "${1:-all}" in
  postgres) ensure_postgres ;;
  mariadb) ensure_mariadb ;;
  postgres-logical) ensure_postgres; ensure_postgres_logical ;;
  python) ensure_python_reader ;;
  all) ensure_postgres; ensure_postgres_logical; ensure_mariadb; ensure_python_reader ;;
  *) echo "usage: $0 [all|postgres|postgres-logical|mariadb|python]" >&2; exit 2 ;;
esac

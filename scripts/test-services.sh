#!/usr/bin/env bash
# Make sure a PostgreSQL and a Redis answer for the tests, and print their URLs as shell
# assignments. Uses the servers on 127.0.0.1:5432 and :6379 when they answer; otherwise starts
# throwaway ones under var/ on other ports (left running for the next run; `make services-stop`).
# KISHA_TEST_DB names the database (default kisha; pytest-django creates and drops test_<name>)
# and KISHA_TEST_REDIS_DB the Redis database (default 9), so several checkouts can share the
# servers without dropping each other's test database.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
# The shared servers a machine may already run (overridable to test the fallback).
shared_pg=${KISHA_SHARED_PG_PORT:-5432}
shared_redis=${KISHA_SHARED_REDIS_PORT:-6379}
db=${KISHA_TEST_DB:-kisha}
redis_db=${KISHA_TEST_REDIS_DB:-9}

pg_url=""
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p "$shared_pg" -U postgres \
   && psql -h 127.0.0.1 -p "$shared_pg" -U postgres -Atc "select 1" postgres >/dev/null 2>&1; then
  pg_url="postgres://postgres@127.0.0.1:$shared_pg/$db"
else
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  datadir="$PWD/var/pg"
  port=54329
  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p $port 2>/dev/null; then
    runas=()
    if [ "$(id -u)" = "0" ]; then
      # PostgreSQL refuses to run as root: run the throwaway cluster as nobody.
      runas=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
      mkdir -p "$datadir"; chown nobody:nogroup "$datadir" var
    fi
    if [ ! -f "$datadir/PG_VERSION" ]; then
      "${runas[@]}" "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/log" -w \
      -o "-h 127.0.0.1 -p $port -k $datadir -c fsync=off -c synchronous_commit=off" start >/dev/null
  fi
  pg_url="postgres://postgres@127.0.0.1:$port/$db"
fi

redis_url=""
if command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p "$shared_redis" ping 2>/dev/null)" = "PONG" ]; then
  redis_url="redis://127.0.0.1:$shared_redis/$redis_db"
else
  port=63799
  if [ "$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" != "PONG" ]; then
    redis-server --daemonize yes --bind 127.0.0.1 --port $port --save "" --appendonly no \
      --dir "$PWD/var" --logfile "$PWD/var/redis-test.log" --pidfile "$PWD/var/redis-test.pid"
    for _ in $(seq 50); do
      [ "$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" = "PONG" ] && break
      sleep 0.1
    done
  fi
  redis_url="redis://127.0.0.1:$port/$redis_db"
fi

echo "export KISHA_TEST_DATABASE_URL=$pg_url"
echo "export KISHA_TEST_REDIS_URL=$redis_url"

#!/usr/bin/env bash
# The tests talk to real PostgreSQL (127.0.0.1:5432, database "test") and Redis (127.0.0.1:6379).
# Start them when they are down and this machine can (the node-svc machines install both).
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "[kaizen] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! up 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "[kaizen] starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
# The chat page's browser test drives Debian's Chromium through playwright-core (never
# `playwright install`, which downloads its own browser). Install it when missing and we can.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[kaizen] installing chromium (apt-get) for the browser test"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    || echo "[kaizen] could not install chromium; the chat page's browser test will fail (set CHROMIUM_PATH to a Chromium binary)" >&2
fi
for i in $(seq 1 30); do up 5432 && up 6379 && break; sleep 1; done
up 5432 || { echo "[kaizen] PostgreSQL is not reachable on 127.0.0.1:5432; set it up (trust auth, database test) and rerun" >&2; exit 1; }
up 6379 || { echo "[kaizen] Redis is not reachable on 127.0.0.1:6379; start it and rerun" >&2; exit 1; }
exit 0

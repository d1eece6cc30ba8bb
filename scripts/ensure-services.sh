#!/usr/bin/env bash
# Make sure the local RabbitMQ and PostgreSQL are running; start them if installed and stopped.
set -u
fail() { echo "ensure-services: $*" >&2; exit 1; }

wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && { exec 3>&-; return 0; }
    sleep 0.2
  done
  return 1
}

if ! wait_port 127.0.0.1 5672 1; then
  command -v rabbitmq-server >/dev/null || fail "RabbitMQ is not installed (apt-get install -y rabbitmq-server)."
  echo "ensure-services: starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_port 127.0.0.1 5672 60 || fail "RabbitMQ did not start on 127.0.0.1:5672."
fi
# The port opens before the node finishes booting; wait for it to answer.
for _ in $(seq 1 60); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done

if [ "${NEED_POSTGRES:-1}" = 1 ] && ! wait_port 127.0.0.1 5432 1; then
  command -v pg_ctlcluster >/dev/null || fail "PostgreSQL is not installed (apt-get install -y postgresql)."
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_port 127.0.0.1 5432 60 || fail "PostgreSQL did not start on 127.0.0.1:5432."
fi
echo "ensure-services: RabbitMQ and PostgreSQL are up"

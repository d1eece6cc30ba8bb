#!/bin/bash
# One role and one database per service (KABINET_SERVICES), each role owning only its database.
# The roles' password is the secret file kabinet-db-password; run once, on an empty data folder.
set -euo pipefail
password="$(cat /run/secrets/kabinet-db-password)"
for service in ${KABINET_SERVICES}; do
  psql -v ON_ERROR_STOP=1 -U postgres -v role="${service}" -v db="kabinet_${service}" -v pw="${password}" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done

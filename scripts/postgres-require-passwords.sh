#!/usr/bin/env bash
# PostgreSQL on this kind of machine trusts every connection from 127.0.0.1, so a login proves nothing about
# a password. Roles rekey rotates are members of the group role rekey_managed; this script makes PostgreSQL
# require their password (SCRAM-SHA-256) over TCP on 127.0.0.1 and leaves every other rule as it was.
# Idempotent. Needs to write pg_hba.conf (run as root or the postgres user).
set -euo pipefail
PSQL=(psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -v ON_ERROR_STOP=1 -qAt)

"${PSQL[@]}" -c "DO \$\$ BEGIN CREATE ROLE rekey_managed NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;"
hba=$("${PSQL[@]}" -c 'SHOW hba_file')
rule='host all +rekey_managed 127.0.0.1/32 scram-sha-256'
if grep -qxF "$rule" "$hba"; then
  exit 0
fi
if [ ! -w "$hba" ]; then
  echo "cannot write $hba: run this script as root or as the postgres user" >&2
  exit 1
fi
# The first matching rule wins, so this one goes before all others.
{ echo "# rekey: roles rekey rotates (members of rekey_managed) must log in with their password"; echo "$rule"; cat "$hba"; } > "$hba.rekey.tmp"
cat "$hba.rekey.tmp" > "$hba" && rm -f "$hba.rekey.tmp"
"${PSQL[@]}" -c 'SELECT pg_reload_conf()' >/dev/null
echo "pg_hba.conf: members of rekey_managed now log in with their password"

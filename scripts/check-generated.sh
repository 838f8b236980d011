#!/usr/bin/env bash
# check-generated: fail when db/ is stale or a query does not prepare against a real database.
#
#   1. `sqlc diff`: db/ must be exactly what `sqlc generate` writes (run `make generate`).
#   2. `sqlc vet` with the sqlc/db-prepare rule: every query is prepared on a scratch database
#      holding schema/<dialect>/*.up.sql, applied in file-name order:
#        PostgreSQL  database schedstore_sqlc_vet (dropped and recreated each run; psql)
#        MySQL       database schedstore_sqlc_vet (dropped and recreated each run; mysql client)
#        SQLite      a temporary file (sqlite3 CLI), or an in-memory database that sqlc fills
#                    itself when sqlite3 is not installed; vetted only if sqlc.yaml gives the
#                    sqlite entry `database: uri: ${SCHEDSTORE_SQLC_SQLITE_URL}`.
#
# Environment (defaults fit the local servers of the CI machine):
#   SCHEDSTORE_TEST_POSTGRES_URL  admin URL  postgres://postgres@127.0.0.1:5432/test?sslmode=disable
#   SCHEDSTORE_TEST_MYSQL_URL     admin URL  mysql://root@127.0.0.1:3306/test
#   SQLC                          sqlc command (default: the version pinned in tools/go.mod)
# The user in each URL must be allowed to create and drop databases.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VET_DB=schedstore_sqlc_vet
PG_ADMIN_URL=${SCHEDSTORE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
MYSQL_ADMIN_URL=${SCHEDSTORE_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}

die() { echo "check-generated: $*" >&2; exit 1; }
# redact hides the password of a URL (scheme://user:password@host...) for messages.
redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:xxxxx@#' <<<"$1"; }
# urldecode undoes %XX escapes (URL user and password parts).
urldecode() { printf '%b' "${1//%/\\x}"; }

if [[ -n ${SQLC:-} ]]; then
	read -r -a SQLC_CMD <<<"$SQLC"
else
	SQLC_CMD=(env CGO_ENABLED=0 go tool -modfile=tools/go.mod sqlc)
fi
sqlc() { "${SQLC_CMD[@]}" "$@"; }

# --- 1. generated code is current --------------------------------------------------------
echo "check-generated: sqlc diff"
if ! sqlc diff; then
	die "db/ is stale: run 'make generate' and commit the result"
fi

# --- 2a. PostgreSQL scratch database --------------------------------------------------------
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
pg_re='^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$'
[[ $PG_ADMIN_URL =~ $pg_re ]] || die "SCHEDSTORE_TEST_POSTGRES_URL is not a postgres:// URL: $(redact "$PG_ADMIN_URL")"
PG_VET_URL="${BASH_REMATCH[1]}/${VET_DB}${BASH_REMATCH[4]}"

psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
echo "check-generated: PostgreSQL $(redact "$PG_VET_URL")"
psql_run "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS ${VET_DB} WITH (FORCE)" -c "CREATE DATABASE ${VET_DB}" >/dev/null ||
	die "cannot recreate PostgreSQL database ${VET_DB} via $(redact "$PG_ADMIN_URL")"
for f in schema/postgres/*.up.sql; do
	[[ -e $f ]] || die "no schema/postgres/*.up.sql"
	psql_run "$PG_VET_URL" --single-transaction -f "$f" >/dev/null || die "applying $f failed"
done

# --- 2b. MySQL / MariaDB scratch database --------------------------------------------------
# Our URL form: mysql://user[:password]@host[:port]/db[?driver params]
my_re='^mysql://(([^:@]*)(:([^@]*))?@)?([^:/?]+)(:([0-9]+))?(/[^?]*)?(\?(.*))?$'
[[ $MYSQL_ADMIN_URL =~ $my_re ]] || die "SCHEDSTORE_TEST_MYSQL_URL is not a mysql:// URL: $(redact "$MYSQL_ADMIN_URL")"
my_user=$(urldecode "${BASH_REMATCH[2]:-root}")
my_pass=$(urldecode "${BASH_REMATCH[4]}")
my_host=${BASH_REMATCH[5]}
my_port=${BASH_REMATCH[7]:-3306}
my_params=${BASH_REMATCH[10]}
# go-sql-driver DSN, which is what sqlc vet opens.
my_auth=$my_user${my_pass:+:$my_pass}
export SCHEDSTORE_SQLC_MYSQL_URL="${my_auth}@tcp(${my_host}:${my_port})/${VET_DB}${my_params:+?$my_params}"

mysql_bin=$(command -v mariadb || command -v mysql) || die "mysql client not found (apt-get install mariadb-client)"
mysql_run() {
	MYSQL_PWD=$my_pass "$mysql_bin" --no-defaults --protocol=TCP -h "$my_host" -P "$my_port" -u "$my_user" \
		--default-character-set=utf8mb4 "$@"
}
echo "check-generated: MySQL ${my_user}@${my_host}:${my_port}/${VET_DB}"
mysql_run -e "DROP DATABASE IF EXISTS ${VET_DB}; CREATE DATABASE ${VET_DB}" ||
	die "cannot recreate MySQL database ${VET_DB} via $(redact "$MYSQL_ADMIN_URL")"
for f in schema/mysql/*.up.sql; do
	[[ -e $f ]] || die "no schema/mysql/*.up.sql"
	mysql_run "$VET_DB" <"$f" || die "applying $f failed"
done

# --- 2c. SQLite scratch file ---------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v sqlite3 >/dev/null; then
	for f in schema/sqlite/*.up.sql; do
		[[ -e $f ]] || die "no schema/sqlite/*.up.sql"
		sqlite3 -bail "$tmp/vet.db" <"$f" || die "applying $f failed"
	done
	export SCHEDSTORE_SQLC_SQLITE_URL="file:$tmp/vet.db"
else
	# sqlc applies the schema files itself to an in-memory database.
	export SCHEDSTORE_SQLC_SQLITE_URL="file:${VET_DB}?mode=memory"
fi
if ! grep -q 'SCHEDSTORE_SQLC_SQLITE_URL' sqlc.yaml; then
	echo "check-generated: note: sqlc.yaml's sqlite entry has no database uri; its queries are not vetted"
fi

# --- 3. vet --------------------------------------------------------------------------------
export SCHEDSTORE_SQLC_POSTGRES_URL=$PG_VET_URL
echo "check-generated: sqlc vet (sqlc/db-prepare)"
sqlc vet || die "sqlc vet failed"
echo "check-generated: OK"

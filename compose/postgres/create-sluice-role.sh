#!/usr/bin/env bash
# The role Sluice connects as, made by the postgres image on the first start of an empty data volume (it runs what
# /docker-entrypoint-initdb.d holds, as the superuser). sluice owns the sluice database, and so its public schema (owned
# by the database's owner since PostgreSQL 15): Flyway can create and alter the tables at startup. Nothing more: a
# leaked app password cannot create roles or databases, read the server's files or run programs on it
# (COPY ... PROGRAM), as the superuser's could.
#
# No `set -u`: the image sources this file instead of running it when the mount loses the execute bit, and the option
# would then hold for the rest of its entrypoint.
set -e

# The password goes in as a psql variable: :'app_password' quotes it, whatever characters it holds.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set app_password="${SLUICE_DB_PASSWORD:?set SLUICE_DB_PASSWORD}" <<'SQL'
CREATE ROLE sluice LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE sluice OWNER sluice;
-- Every role may connect to a new database by default; here only its owner (and the superuser) may.
REVOKE ALL ON DATABASE sluice FROM PUBLIC;
SQL

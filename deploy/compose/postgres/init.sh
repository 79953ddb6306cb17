#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory.
# - autopilot: state database of both services (schemas performance / automation, migrated by Flyway)
# - demo: a target database to watch, with pg_stat_statements and a table with some rows
# - autopilot_monitor: the monitoring role of performance-service (pg_monitor, as the README asks)
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE autopilot LOGIN PASSWORD '${AUTOPILOT_STATE_PASSWORD}';
CREATE DATABASE autopilot OWNER autopilot;
CREATE ROLE autopilot_monitor LOGIN PASSWORD '${DEMO_MONITOR_PASSWORD}' IN ROLE pg_monitor;
CREATE DATABASE demo;
SQL
psql -v ON_ERROR_STOP=1 --username postgres --dbname demo <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(10,2),
                     created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (customer, total) SELECT g % 500, (g % 97) * 1.5 FROM generate_series(1, 20000) g;
SQL

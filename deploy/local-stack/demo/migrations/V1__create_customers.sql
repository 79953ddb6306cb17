-- Demo migration 1 of the local stack's 'demo' database. The migrations own the schema 'app' (Flyway's history table
-- app.flyway_schema_history; Flyway creates the schema): the stack's seed tables in 'public' predate them.
CREATE TABLE app.customers (
    id         int PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO app.customers (id, name) SELECT g, 'customer ' || g FROM generate_series(0, 499) g;

-- Demo migration 4: notes on orders. U4__create_order_notes.sql undoes it (POST /api/migrations/demo/undo).
CREATE TABLE app.order_notes (
    id         bigserial PRIMARY KEY,
    order_id   bigint NOT NULL,
    note       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_notes_order_id_idx ON app.order_notes (order_id);

-- Undo of demo migration 4.
DROP TABLE app.order_notes;

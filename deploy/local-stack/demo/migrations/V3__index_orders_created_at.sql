-- Demo migration 3: an index built without blocking writes (Flyway runs it outside a transaction).
CREATE INDEX CONCURRENTLY orders_created_at_idx ON public.orders (created_at);

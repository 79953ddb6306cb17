-- Demo migration 2: an order status. A constant default adds the column without rewriting the table.
ALTER TABLE public.orders ADD COLUMN status text NOT NULL DEFAULT 'new';

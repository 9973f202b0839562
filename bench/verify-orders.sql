-- The benchmark's orders table: 5,000,000 rows with even ids 2..10,000,000, generated so that the
-- same statement gives the same rows in any database (no random()). Run by bench/verify-vs-fullscan.sh.
CREATE TABLE orders (
    id         bigint PRIMARY KEY,
    customer   text NOT NULL,
    total      numeric(12,2) NOT NULL,
    created_at timestamptz NOT NULL,
    paid       boolean NOT NULL,
    note       text
);
INSERT INTO orders
SELECT 2 * g,
       'customer-' || (g * 7919 % 100003),
       ((g * 37) % 1000003) / 100.0,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 997) * interval '1 microsecond',
       g % 3 <> 0,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || md5(g::text) END
FROM generate_series(1::bigint, 5000000) g;
VACUUM ANALYZE orders;

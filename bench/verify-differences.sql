-- 50 scattered differences, applied to the copy (database B) only:
-- 17 rows missing from B, 17 extra rows in B (odd ids, which A never has), 16 changed rows.
DELETE FROM orders WHERE id IN (SELECT 2 * (g * 294001) FROM generate_series(1, 17) g);
INSERT INTO orders
SELECT 2 * (g * 277003) + 1, 'extra-' || g, g / 100.0, timestamptz '2025-06-01 00:00:00+00' + g * interval '1 hour', true, NULL
FROM generate_series(1, 17) g;
UPDATE orders SET total = total + 0.01                         WHERE id IN (2 * 311111, 2 * 1311111, 2 * 2311111, 2 * 3311111);
UPDATE orders SET note = NULL                                  WHERE id IN (2 * 411112, 2 * 1411112, 2 * 2411112, 2 * 3411112);
UPDATE orders SET created_at = created_at + interval '1 microsecond' WHERE id IN (2 * 511113, 2 * 1511113, 2 * 2511113, 2 * 3511113);
UPDATE orders SET paid = NOT paid, customer = customer || ' '  WHERE id IN (2 * 611114, 2 * 1611114, 2 * 2611114, 2 * 4611114);
VACUUM ANALYZE orders;

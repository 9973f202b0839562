-- The text-key check of bench/RESULTS.md (issue 4): 1,000,000 rows keyed 'Key-<md5>' / 'key-<md5>'
-- (mixed case), created in both benchmark databases; then, in B only (psql -v side=b), 7 differences:
-- 3 rows missing, 2 changed (a trailing space), 2 extra (one starting with 'ÿ', beyond every ASCII key).
--   psql -d cutover_bench_verify_a -f bench/verify-textkeys.sql
--   psql -d cutover_bench_verify_b -v side=b -f bench/verify-textkeys.sql
--   java -cp <postgres module test class path> cutover.postgres.VerifyBench postgresql://…/cutover_bench_verify_a postgresql://…/cutover_bench_verify_b tkeys
DROP TABLE IF EXISTS tkeys;
CREATE TABLE tkeys (k text PRIMARY KEY, v text, n numeric);
INSERT INTO tkeys SELECT (CASE WHEN g % 2 = 0 THEN 'Key-' ELSE 'key-' END) || md5(g::text), 'v' || g, g / 7.0 FROM generate_series(1, 1000000) g;
\if :{?side}
DELETE FROM tkeys WHERE k IN (SELECT k FROM tkeys ORDER BY k LIMIT 3);
UPDATE tkeys SET v = v || ' ' WHERE k IN ('Key-' || md5('500000'), 'key-' || md5('77777'));
INSERT INTO tkeys VALUES ('ÿ-extra', 'x', 1), ('Key-extra', 'y', 2);
\endif
VACUUM ANALYZE tkeys;

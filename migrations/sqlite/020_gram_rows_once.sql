-- 020: worker_gram_rows reads each worker's name and initials once.
--
-- The view of 019 joined workers with gram_positions directly, so SQLite
-- evaluated the virtual columns gram_name and gram_initials (several
-- instr/substr calls over search_text) two or three times for every
-- candidate position: at an import batch's end, 8.5 us per worker of
-- the 29 us its short-fragment rows cost. Here the two texts come
-- from a subquery that SQLite does not flatten into the join, because it is
-- an aggregate (GROUP BY the rowid, one row per worker, no sort), so each
-- text is computed once per worker; a condition on id is still pushed down
-- into it and stays a rowid lookup or range. Same columns, same rows.

DROP VIEW worker_gram_rows;

CREATE VIEW worker_gram_rows (id, gram, level, region_code, created_at) AS
  SELECT t.id, substr(t.text, p.n, p.len), t.level, t.region_code, t.created_at
    FROM (SELECT id, gram_name AS text, level, region_code, created_at
            FROM workers GROUP BY id
          UNION ALL
          SELECT id, gram_initials, level, region_code, created_at
            FROM workers GROUP BY id) t
         CROSS JOIN gram_positions p
   WHERE p.n <= length(t.text) AND p.n + p.len - 1 <= length(t.text);

-- ClaimDue's order (issue 11): per priority, due rows in (next_run_at_us, id) order, so a claim
-- reads LIMIT rows of the index instead of reading and sorting every due row. Also the loose
-- index scan over the distinct priorities of enabled rows. Queries must say "enabled = 1"
-- literally for SQLite to use this partial index.
CREATE INDEX scheduled_tasks_claim_idx ON scheduled_tasks (priority DESC, next_run_at_us, id) WHERE enabled = 1;

-- The distinct priorities of enabled rows, highest first, then one NULL: a loose index scan of
-- scheduled_tasks_claim_idx, one probe per priority instead of a read of every row. ClaimDue's
-- ranges (queries/sqlite/claims.sql). A view because sqlc's SQLite parser resolves no CTE
-- inside an UPDATE.
CREATE VIEW scheduled_task_priorities AS
WITH RECURSIVE prio AS (
    SELECT (
        SELECT f.priority FROM scheduled_tasks AS f WHERE f.enabled = 1
        ORDER BY f.priority DESC LIMIT 1
    ) AS priority
    UNION ALL
    SELECT (
        SELECT n.priority FROM scheduled_tasks AS n
        WHERE n.enabled = 1 AND n.priority < prio.priority
        ORDER BY n.priority DESC LIMIT 1
    ) AS priority
    FROM prio WHERE prio.priority IS NOT NULL
)
SELECT priority FROM prio;

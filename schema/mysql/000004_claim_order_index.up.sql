-- ClaimDue's order (issue 11): per priority, due rows in (next_run_at, id) order, so a claim
-- reads, and locks, LIMIT rows of the index instead of locking every due row on the way to a
-- sort. No partial indexes here: enabled leads instead. DESC needs MySQL 8.0+ or MariaDB 10.8+
-- (older MariaDB builds the key part ascending: the claim then sorts its due rows again, as
-- before this index).
CREATE INDEX scheduled_tasks_claim_idx ON scheduled_tasks (enabled, priority DESC, next_run_at, id);
-- The distinct (enabled, priority) pairs by a loose index scan ("Using index for group-by"), one
-- probe per pair, whatever the table or the backlog: ClaimDue's ranges. Not through
-- scheduled_tasks_claim_idx: MariaDB 10.11 does no loose index scan over a DESC key part, nor
-- with the enabled = TRUE prefix in the WHERE (it reads every enabled entry instead).
CREATE INDEX scheduled_tasks_priority_idx ON scheduled_tasks (enabled, priority);

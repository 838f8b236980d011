-- ClaimDue's order (issue 11): per priority, due rows in (next_run_at, id) order, so a claim
-- reads LIMIT rows of the index instead of reading and sorting every due row. Also the loose
-- index scan over the distinct priorities of enabled rows. Only enabled rows, as for
-- scheduled_tasks_due_idx.
CREATE INDEX scheduled_tasks_claim_idx ON scheduled_tasks (priority DESC, next_run_at, id) WHERE enabled;

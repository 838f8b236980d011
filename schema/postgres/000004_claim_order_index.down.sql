DROP INDEX scheduled_tasks_claim_idx;

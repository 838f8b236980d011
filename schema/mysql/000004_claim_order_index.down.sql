DROP INDEX scheduled_tasks_priority_idx ON scheduled_tasks;
DROP INDEX scheduled_tasks_claim_idx ON scheduled_tasks;

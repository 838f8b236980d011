DROP VIEW scheduled_task_priorities;
DROP INDEX scheduled_tasks_claim_idx;

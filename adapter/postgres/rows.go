package postgres

import (
	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// The mapping between sqlc's generated rows and parameters and
// taskrow.Row. PostgreSQL stores the shared form as it is: text,
// timestamptz (time.Time), integers of the same widths.

func toRow(r pgdb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
		Attempts: r.Attempts, FirstAttemptAt: r.FirstAttemptAt,
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp, MisfireGraceUS: r.MisfireGraceUs,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUs, PausedAt: r.PausedAt, PauseReason: r.PauseReason,
		AttemptFor: r.AttemptFor, AttemptKind: taskrow.Deref(r.AttemptKind),
	}
}

func toRows(rows []pgdb.ScheduledTask) []taskrow.Row { return taskrow.RowsFrom(rows, toRow) }

func createParams(r taskrow.Row) pgdb.CreateTaskParams {
	return pgdb.CreateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority, MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp,
		MisfireGraceUs: r.MisfireGraceUS, OverlapPolicy: r.OverlapPolicy, JitterUs: r.JitterUS,
	}
}

func updateParams(r taskrow.Row, expectedVersion int64) pgdb.UpdateTaskParams {
	c := createParams(r)
	return pgdb.UpdateTaskParams{ID: c.ID, TaskName: c.TaskName, ScheduleType: c.ScheduleType, Schedule: c.Schedule, Args: c.Args, Kwargs: c.Kwargs, DefinitionSha256: c.DefinitionSha256, Enabled: c.Enabled, LastRunAt: c.LastRunAt, NextRunAt: c.NextRunAt, UpdatedAt: c.UpdatedAt, Description: c.Description, MaxRetries: c.MaxRetries, RetryDelayUs: c.RetryDelayUs, Priority: c.Priority, ExpectedVersion: expectedVersion,
		MisfirePolicy: c.MisfirePolicy, MaxCatchUp: c.MaxCatchUp, MisfireGraceUs: c.MisfireGraceUs, OverlapPolicy: c.OverlapPolicy, JitterUs: c.JitterUs}
}

// ensureParams: EnsureTask's statement sets the ensure key, the unique
// key concurrent Ensure calls meet on, to the definition's fingerprint.
func ensureParams(r taskrow.Row) pgdb.EnsureTaskParams {
	return pgdb.EnsureTaskParams(createParams(r))
}

func findParams(taskName, scheduleType, schedule, fingerprint string) pgdb.FindTaskByDefinitionParams {
	return pgdb.FindTaskByDefinitionParams{DefinitionSha256: fingerprint, TaskName: taskName, ScheduleType: scheduleType, Schedule: schedule}
}

func pageParams(after schedstore.Cursor, limit int32) pgdb.ListTasksPageParams {
	return pgdb.ListTasksPageParams{AfterCreatedAt: after.CreatedAt, AfterID: after.ID, PageSize: limit}
}

func firesParams(taskID string, limit int32) pgdb.ListFiresParams {
	return pgdb.ListFiresParams{TaskID: taskID, MaxFires: &limit}
}

func toFire(r pgdb.ScheduledTaskFire) schedstore.Fire {
	return taskrow.WithRun(taskrow.NewFire(r.TaskID, r.ScheduledFor, r.Owner, r.StartedAt, r.FinishedAt, r.Status,
		int64(r.Attempts), r.Error), r.Kind, int64(r.Occurrences), r.LastScheduledFor)
}

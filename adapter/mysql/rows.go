package mysql

import (
	"database/sql"
	"time"

	"github.com/flowrra/schedstore"

	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// The mapping between sqlc's generated rows and parameters and
// taskrow.Row. MySQL stores IDs as VARBINARY ([]byte) and nullable
// DATETIME(6) and strings as sql.Null*.

func toRow(r mysqldb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: string(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
		LastRunAt: timePtr(r.LastRunAt), NextRunAt: timePtr(r.NextRunAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: r.LeaseOwner.String,
		Attempts: r.Attempts, FirstAttemptAt: timePtr(r.FirstAttemptAt),
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp, MisfireGraceUS: r.MisfireGraceUs,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUs, PausedAt: timePtr(r.PausedAt), PauseReason: r.PauseReason,
		AttemptFor: timePtr(r.AttemptFor), AttemptKind: r.AttemptKind.String,
	}
}

func createParams(r taskrow.Row) mysqldb.CreateTaskParams {
	return mysqldb.CreateTaskParams{
		ID: []byte(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: nullTime(r.LastRunAt), NextRunAt: nullTime(r.NextRunAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority, MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp,
		MisfireGraceUs: r.MisfireGraceUS, OverlapPolicy: r.OverlapPolicy, JitterUs: r.JitterUS,
	}
}

func updateParams(r taskrow.Row, expectedVersion int64) mysqldb.UpdateTaskParams {
	c := createParams(r)
	return mysqldb.UpdateTaskParams{ID: c.ID, TaskName: c.TaskName, ScheduleType: c.ScheduleType, Schedule: c.Schedule, Args: c.Args, Kwargs: c.Kwargs, DefinitionSha256: c.DefinitionSha256, Enabled: c.Enabled, LastRunAt: c.LastRunAt, NextRunAt: c.NextRunAt, UpdatedAt: c.UpdatedAt, Description: c.Description, MaxRetries: c.MaxRetries, RetryDelayUs: c.RetryDelayUs, Priority: c.Priority, ExpectedVersion: expectedVersion,
		MisfirePolicy: c.MisfirePolicy, MaxCatchUp: c.MaxCatchUp, MisfireGraceUs: c.MisfireGraceUs, OverlapPolicy: c.OverlapPolicy, JitterUs: c.JitterUs}
}

// ensureParams: EnsureTask's statement sets the ensure key, the unique
// key concurrent Ensure calls meet on, to the definition's fingerprint.
func ensureParams(r taskrow.Row) mysqldb.EnsureTaskParams {
	return mysqldb.EnsureTaskParams(createParams(r))
}

// sqlc ignores emit_pointers_for_null_types for MySQL, so nullable times
// arrive as sql.NullTime; the domain keeps *time.Time on every dialect.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}

func findParams(taskName, scheduleType, schedule, fingerprint string) mysqldb.FindTaskByDefinitionParams {
	return mysqldb.FindTaskByDefinitionParams{DefinitionSha256: fingerprint, TaskName: taskName, ScheduleType: scheduleType, Schedule: schedule}
}

func pageParams(after schedstore.Cursor, limit int32) mysqldb.ListTasksPageParams {
	return mysqldb.ListTasksPageParams{AfterCreatedAt: after.CreatedAt, AfterID: []byte(after.ID), Limit: limit}
}

func firesParams(taskID string, limit int32) mysqldb.ListFiresParams {
	return mysqldb.ListFiresParams{TaskID: []byte(taskID), Limit: limit}
}

func toFire(r mysqldb.ScheduledTaskFire) schedstore.Fire {
	return taskrow.WithRun(taskrow.NewFire(string(r.TaskID), r.ScheduledFor, r.Owner, timePtr(r.StartedAt), r.FinishedAt,
		r.Status, int64(r.Attempts), r.Error), r.Kind, int64(r.Occurrences), timePtr(r.LastScheduledFor))
}

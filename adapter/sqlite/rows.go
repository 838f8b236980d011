package sqlite

import (
	"github.com/flowrra/schedstore"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// The mapping between sqlc's generated rows and parameters and
// taskrow.Row. SQLite stores times as INTEGER Unix microseconds, booleans
// as 0 or 1, and every integer as int64.

func toRow(r sqlitedb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled != 0,
		LastRunAt: taskrow.FromMicrosPtr(r.LastRunAtUs), NextRunAt: taskrow.FromMicrosPtr(r.NextRunAtUs),
		CreatedAt: taskrow.FromMicros(r.CreatedAtUs), UpdatedAt: taskrow.FromMicros(r.UpdatedAtUs),
		// The schema's CHECKs and Validate keep these within int32.
		Description: r.Description, MaxRetries: int32(r.MaxRetries), RetryDelayUS: r.RetryDelayUs,
		Priority: int32(r.Priority), Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
		Attempts: int32(r.Attempts), FirstAttemptAt: taskrow.FromMicrosPtr(r.FirstAttemptAtUs),
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: int32(r.MaxCatchUp), MisfireGraceUS: r.MisfireGraceUs,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUs, PausedAt: taskrow.FromMicrosPtr(r.PausedAtUs),
		PauseReason: r.PauseReason,
		AttemptFor:  taskrow.FromMicrosPtr(r.AttemptForUs), AttemptKind: taskrow.Deref(r.AttemptKind),
	}
}

func createParams(r taskrow.Row) sqlitedb.CreateTaskParams {
	return sqlitedb.CreateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: boolInt(r.Enabled),
		LastRunAtUs: taskrow.MicrosPtr(r.LastRunAt), NextRunAtUs: taskrow.MicrosPtr(r.NextRunAt),
		CreatedAtUs: taskrow.Micros(r.CreatedAt), UpdatedAtUs: taskrow.Micros(r.UpdatedAt),
		Description: r.Description, MaxRetries: int64(r.MaxRetries), RetryDelayUs: r.RetryDelayUS,
		Priority: int64(r.Priority), MisfirePolicy: r.MisfirePolicy, MaxCatchUp: int64(r.MaxCatchUp),
		MisfireGraceUs: r.MisfireGraceUS, OverlapPolicy: r.OverlapPolicy, JitterUs: r.JitterUS,
	}
}

func updateParams(r taskrow.Row, expectedVersion int64) sqlitedb.UpdateTaskParams {
	c := createParams(r)
	return sqlitedb.UpdateTaskParams{ID: c.ID, TaskName: c.TaskName, ScheduleType: c.ScheduleType, Schedule: c.Schedule, Args: c.Args, Kwargs: c.Kwargs, DefinitionSha256: c.DefinitionSha256, Enabled: c.Enabled, LastRunAtUs: c.LastRunAtUs, NextRunAtUs: c.NextRunAtUs, UpdatedAtUs: c.UpdatedAtUs, Description: c.Description, MaxRetries: c.MaxRetries, RetryDelayUs: c.RetryDelayUs, Priority: c.Priority, ExpectedVersion: expectedVersion,
		MisfirePolicy: c.MisfirePolicy, MaxCatchUp: c.MaxCatchUp, MisfireGraceUs: c.MisfireGraceUs, OverlapPolicy: c.OverlapPolicy, JitterUs: c.JitterUs}
}

// ensureParams: EnsureTask's statement sets the ensure key, the unique
// key concurrent Ensure calls meet on, to the definition's fingerprint.
func ensureParams(r taskrow.Row) sqlitedb.EnsureTaskParams {
	return sqlitedb.EnsureTaskParams(createParams(r))
}

// boolInt is SQLite's storage of a boolean (the schema allows 0 and 1).
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func findParams(taskName, scheduleType, schedule, fingerprint string) sqlitedb.FindTaskByDefinitionParams {
	return sqlitedb.FindTaskByDefinitionParams{DefinitionSha256: fingerprint, TaskName: taskName, ScheduleType: scheduleType, Schedule: schedule}
}

func pageParams(after schedstore.Cursor, limit int32) sqlitedb.ListTasksPageParams {
	return sqlitedb.ListTasksPageParams{AfterCreatedAtUs: taskrow.Micros(after.CreatedAt), AfterID: after.ID, PageSize: int64(limit)}
}

func firesParams(taskID string, limit int32) sqlitedb.ListFiresParams {
	return sqlitedb.ListFiresParams{TaskID: taskID, MaxFires: int64(limit)}
}

func toFire(r sqlitedb.ScheduledTaskFire) schedstore.Fire {
	f := taskrow.NewFire(r.TaskID, taskrow.FromMicros(r.ScheduledForUs), r.Owner, taskrow.FromMicrosPtr(r.StartedAtUs),
		taskrow.FromMicros(r.FinishedAtUs), r.Status, r.Attempts, r.Error)
	return taskrow.WithRun(f, r.Kind, r.Occurrences, taskrow.FromMicrosPtr(r.LastScheduledForUs))
}

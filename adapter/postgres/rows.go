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
	}
}

func toRows(rows []pgdb.ScheduledTask) []taskrow.Row { return taskrow.RowsFrom(rows, toRow) }

// toTasks decodes a list into one backing array (taskrow.TasksFrom).
func toTasks(op string) func([]pgdb.ScheduledTask, error) ([]*schedstore.Task, error) {
	return func(rows []pgdb.ScheduledTask, err error) ([]*schedstore.Task, error) {
		if err != nil {
			return nil, interpret(op, "", err)
		}
		return taskrow.TasksFrom(rows, toRow)
	}
}

func createParams(r taskrow.Row) pgdb.CreateTaskParams {
	return pgdb.CreateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority,
	}
}

func updateParams(r taskrow.Row, expectedVersion int64) pgdb.UpdateTaskParams {
	return pgdb.UpdateTaskParams{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, DefinitionSha256: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUs: r.RetryDelayUS,
		Priority: r.Priority, ExpectedVersion: expectedVersion,
	}
}

// ensureParams sets the ensure key, the unique key that decides between
// concurrent Ensure calls.
func ensureParams(r taskrow.Row) pgdb.EnsureTaskParams {
	p := createParams(r)
	return pgdb.EnsureTaskParams{
		ID: p.ID, TaskName: p.TaskName, ScheduleType: p.ScheduleType, Schedule: p.Schedule,
		Args: p.Args, Kwargs: p.Kwargs, DefinitionSha256: p.DefinitionSha256, EnsureSha256: &r.Fingerprint,
		Enabled: p.Enabled, LastRunAt: p.LastRunAt, NextRunAt: p.NextRunAt, CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, Description: p.Description, MaxRetries: p.MaxRetries,
		RetryDelayUs: p.RetryDelayUs, Priority: p.Priority,
	}
}

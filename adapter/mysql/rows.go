package mysql

import (
	"database/sql"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func toRow(r mysqldb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: string(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
		LastRunAt: timePtr(r.LastRunAt), NextRunAt: timePtr(r.NextRunAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: r.LeaseOwner.String,
	}
}

func toTasks(op string, rows []mysqldb.ScheduledTask, err error) ([]*schedstore.Task, error) {
	if err != nil {
		return nil, interpret(op, "", err)
	}
	return taskrow.TasksFrom(rows, toRow)
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

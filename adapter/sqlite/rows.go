package sqlite

import (
	"github.com/flowrra/schedstore"
	sqlitedb "github.com/flowrra/schedstore/db/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func toRow(r sqlitedb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled != 0,
		LastRunAt: taskrow.FromMicrosPtr(r.LastRunAtUs), NextRunAt: taskrow.FromMicrosPtr(r.NextRunAtUs),
		CreatedAt: taskrow.FromMicros(r.CreatedAtUs), UpdatedAt: taskrow.FromMicros(r.UpdatedAtUs),
		// The schema's CHECKs and Validate keep these within int32.
		Description: r.Description, MaxRetries: int32(r.MaxRetries), RetryDelayUS: r.RetryDelayUs,
		Priority: int32(r.Priority), Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
	}
}

func toTasks(op string, rows []sqlitedb.ScheduledTask, err error) ([]*schedstore.Task, error) {
	if err != nil {
		return nil, interpret(op, "", err)
	}
	return taskrow.TasksFrom(rows, toRow)
}

// boolInt is SQLite's storage of a boolean (the schema allows 0 and 1).
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

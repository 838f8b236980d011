package postgres

import (
	"github.com/flowrra/schedstore"
	pgdb "github.com/flowrra/schedstore/db/postgres"
	"github.com/flowrra/schedstore/internal/taskrow"
)

func toRow(r pgdb.ScheduledTask) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.DefinitionSha256, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUs,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
	}
}

func toTasks(op string, rows []pgdb.ScheduledTask, err error) ([]*schedstore.Task, error) {
	if err != nil {
		return nil, interpret(op, "", err)
	}
	return taskrow.TasksFrom(rows, toRow)
}

// Command schedstore stores scheduled tasks (cron, interval and one-time) in
// PostgreSQL, MySQL/MariaDB or SQLite and fires them when they are due.
//
//	go install github.com/flowrra/schedstore/cmd/schedstore@latest
//	go run ./cmd/schedstore demo        # see it work, in a throwaway database
//
// Commands (each has --help with examples):
//
//	migrate up | down [N|all] | status | force V
//	add cron EXPR | interval DURATION | once TIME  --task NAME [...]
//	    [--misfire once|skip|all] [--max-catch-up N] [--misfire-grace D]
//	    [--overlap skip|buffer_one] [--jitter D]
//	set ID [--schedule EXPR] [--args --kwargs --priority --description]
//	    [--max-retries --retry-delay] [the policy flags of add]
//	pause ID [--reason TEXT], resume ID
//	list [--enabled | --due]
//	get ID, describe ID [--next N] [--fires N]
//	enable ID, disable ID, delete ID, clear --yes
//	run [--once] [--exec CMD] [--owner NAME] [--lease D] [--max-sleep D]
//	fires ID [--limit N]
//	serve [--addr HOST:PORT] [--token TOKEN]   the web page, the JSON API, metrics
//	demo [--for D]
//
// set changes only the options given, writing at the version it read: if
// the task changed in between (a scheduler advanced it), nothing is written
// and it exits 1. pause disables a task and records when and why (list,
// get and describe show it); resume enables it again at the next future
// run time, without firing the runs missed while it was paused.
//
// # Database
//
// --db URL, else $SCHEDSTORE_DATABASE_URL, else
// $FLOWRRA_SCHEDULER_DATABASE_URL (read as the Flowrra reference reads it, so
// its sqlite:///file.db is the relative file.db), else the SQLite file
// .flowrra_schedule.db in the working directory. Every command but migrate
// applies pending migrations when it opens the database. The URL is never
// printed; error messages come from the adapters, which hide passwords.
//
// # Output
//
// Read commands (list, get, describe, fires, migrate status) print a table or key: value
// lines, or with --json a JSON document (task fields named as in the Flowrra
// reference's to_dict). `run` prints one JSON line per attempt (the job it
// runs) on stdout and logs with log/slog to stderr.
//
// # Exit status
//
//	0  success
//	1  runtime or database error, including an ID that does not exist
//	   (get, set, pause, resume, describe, enable, disable, delete), an ID
//	   that already does (add --id), and a set that lost to a concurrent
//	   change of the task
//	2  usage or validation error: unknown command or flag, bad arguments,
//	   a schedule or field the library refuses, an unusable database URL;
//	   nothing was written
//
// An attempt whose --exec command fails is logged and tried again, up to
// the task's max retries; an occurrence none of whose attempts succeeds is
// recorded failed in the fire ledger. Neither changes the exit status.
//
// # Operations
//
// run --metrics-addr HOST:PORT serves /metrics (Prometheus, through
// OpenTelemetry's exporter), /healthz and /readyz; --log-format json
// writes the logs as JSON. serve shows the schedules in the browser and
// serves the JSON API under /api/v1 on one port, behind --token (or
// $SCHEDSTORE_SERVE_TOKEN) when it listens beyond loopback. See
// docs/operations.md.
package main

package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/sqlite"
)

// Open creates (or opens) a database file, migrates it and returns a backend
// that owns its handle. An empty URL opens .flowrra_schedule.db in the
// working directory.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "schedstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	b, err := sqlite.Open(ctx, "sqlite://"+filepath.Join(dir, "schedule.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	at := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	t := schedstore.NewOneTime("reports.yearly", at)
	if err := b.Create(ctx, t); err != nil {
		log.Fatal(err)
	}
	due, err := b.ListDue(ctx, at)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(due), due[0].TaskName, due[0].NextRunAt.Format(time.RFC3339))
	// Output: 1 reports.yearly 2030-01-01T09:00:00Z
}

// New wraps a *sql.DB the application owns; Close leaves it open. DSN gives
// the settings Open uses. An in-memory database must stay on one
// connection: each new one would be another, empty database.
func ExampleNew() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqlite.DSN(sqlite.Memory))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := sqlite.Migrate(ctx, db); err != nil { // or apply schema/sqlite yourself
		log.Fatal(err)
	}

	b := sqlite.New(db)
	if err := b.Create(ctx, schedstore.NewCron("cleanup", "0 3 * * *")); err != nil {
		log.Fatal(err)
	}
	all, err := b.ListAll(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(all), all[0].Schedule)
	b.Close()
	fmt.Println("db still open:", db.PingContext(ctx) == nil)
	// Output:
	// 1 0 3 * * *
	// db still open: true
}

package postgres_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/postgres"
)

// Open connects, migrates and returns a backend that owns its pool.
func ExampleOpen() {
	url := os.Getenv("SCHEDSTORE_TEST_POSTGRES_URL")
	if url == "" {
		return // needs a database
	}
	ctx := context.Background()
	b, err := postgres.Open(ctx, url)
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	t := schedstore.NewCron("reports.daily", "0 6 * * *")
	if err := b.Create(ctx, t); err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", t.ID != "")
	_, _ = b.Delete(ctx, t.ID)
}

// New wraps a pool the application owns; Close leaves it open.
func ExampleNew() {
	url := os.Getenv("SCHEDSTORE_TEST_POSTGRES_URL")
	if url == "" {
		return
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil { // or let your DBAs apply schema/postgres
		log.Fatal(err)
	}
	b := postgres.New(pool)
	defer b.Close()
	due, err := b.ListDue(ctx, time.Time{}) // zero time: now
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(due) >= 0)
}

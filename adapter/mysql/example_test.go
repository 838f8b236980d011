package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
)

// Open owns its pool and migrates the schema unless the URL says
// schedstore_migrate=false.
func ExampleOpen() {
	ctx := context.Background()
	b, err := mysql.Open(ctx, "mysql://app:secret@db.internal:3306/app?tls=true&timeout=5s")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	task := schedstore.NewCron("send_report", "0 9 * * MON")
	if err := b.Create(ctx, task); err != nil {
		log.Fatal(err)
	}
	due, err := b.ListDue(ctx, time.Time{}) // zero: now
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(due), "tasks due")
}

// New wraps a pool the application already has. Build it from
// ParseURL so the options schedstore relies on are set.
func ExampleNew() {
	ctx := context.Background()
	cfg, _, err := mysql.ParseURL("mariadb://app:secret@db.internal/app")
	if err != nil {
		log.Fatal(err)
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	if err := mysql.Migrate(ctx, cfg); err != nil {
		log.Fatal(err)
	}

	b := mysql.New(db)
	defer b.Close() // leaves db open
	n, err := b.Clear(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "tasks deleted")
}

func ExampleParseURL() {
	cfg, _, err := mysql.ParseURL("mariadb://app:secret@db.internal/app?timeout=5s&parseTime=false")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Addr, cfg.DBName, cfg.Timeout, cfg.ParseTime, cfg.InterpolateParams)
	// Output: db.internal:3306 app 5s true true
}

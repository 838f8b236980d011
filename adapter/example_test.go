package adapter_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

func ExampleOpen() {
	ctx := context.Background()
	// sqlite://:memory: here; postgres://... or mysql://... the same way.
	b, err := adapter.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	next, ok, err := b.NextDue(ctx) // a schedstore.Store: no task yet, so no next run
	fmt.Println(next.IsZero(), ok, err)

	_, err = adapter.Open(ctx, "redis://u:secret@localhost")
	fmt.Println(errors.Is(err, schedstore.ErrUnsupportedURL))
	fmt.Println(err)
	// Output:
	// true false <nil>
	// true
	// schedstore: unsupported database URL: redis://u:xxxxx@localhost (want sqlite://, postgres://, postgresql://, mysql:// or mariadb://)
}

func ExampleDialect() {
	for _, u := range []string{"", "sqlite:///var/lib/s.db", "postgresql://db/app", "mariadb://db/app", "redis://x"} {
		fmt.Printf("%q ", adapter.Dialect(u))
	}
	fmt.Println()
	// Output: "sqlite" "sqlite" "postgres" "mysql" ""
}

func ExampleNewMigrator() {
	ctx := context.Background()
	m, err := adapter.NewMigrator(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		log.Fatal(err)
	}
	st, err := m.Status()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Version == st.Latest, st.Dirty)
	// Output: true false
}

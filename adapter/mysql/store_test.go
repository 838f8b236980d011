package mysql_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/testdb"
)

// t0 is the clock the claims compare with; tasks fall due before it.
var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// createDue creates n enabled tasks that fell due just before t0.
func createDue(t *testing.T, b *mysql.Store, n int) []*schedstore.Task {
	t.Helper()
	tasks := make([]*schedstore.Task, n)
	for i := range tasks {
		tasks[i] = schedstore.NewCron(fmt.Sprintf("job-%d", i), "@hourly")
		tasks[i].NextRunAt = ptr(t0.Add(-time.Duration(i+1) * time.Minute))
		if err := b.Create(t.Context(), tasks[i]); err != nil {
			t.Fatal(err)
		}
	}
	return tasks
}

func claim(t *testing.T, b *mysql.Store, owner string, now time.Time, limit int) []schedstore.Claim {
	t.Helper()
	claims, err := b.ClaimDue(t.Context(), owner, now, 10*time.Second, limit)
	if err != nil {
		t.Fatalf("ClaimDue(%s): %v", owner, err)
	}
	return claims
}

// Two instances, each with its own pool, claim at the same moment: SKIP
// LOCKED hands each row to at most one of them. The sort runs after
// InnoDB has read and locked every due row, so the instance that locks
// first can leave the other with nothing until it commits; a second round
// picks up the rest.
func TestClaimDueTwoInstances(t *testing.T) {
	t.Parallel()
	raw := testdb.MySQL(t)
	a, b := openStore(t, raw), openStore(t, raw)
	createDue(t, a, 5)

	var wg sync.WaitGroup
	var ca, cb []schedstore.Claim
	var errA, errB error
	wg.Go(func() { ca, errA = a.ClaimDue(t.Context(), "a", t0, 10*time.Second, 3) })
	wg.Go(func() { cb, errB = b.ClaimDue(t.Context(), "b", t0, 10*time.Second, 3) })
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("ClaimDue: a %v, b %v", errA, errB)
	}
	t.Logf("concurrent round: a claimed %d, b %d", len(ca), len(cb))
	if len(ca) > 3 || len(cb) > 3 {
		t.Fatalf("a claimed %d, b %d: want at most 3 each", len(ca), len(cb))
	}
	ca = append(ca, claim(t, a, "a", t0, 3)...)
	cb = append(cb, claim(t, b, "b", t0, 3)...)
	seen := map[string]string{}
	for _, c := range append(ca, cb...) {
		if prev, ok := seen[c.Task.ID]; ok {
			t.Errorf("task %s claimed by %s and %s", c.Task.ID, prev, c.Owner)
		}
		seen[c.Task.ID] = c.Owner
		if c.Token != 1 || !c.ClaimedAt.Equal(t0) || !c.LeaseUntil.Equal(t0.Add(10*time.Second)) ||
			!c.ScheduledFor.Equal(*c.Task.NextRunAt) {
			t.Errorf("claim %+v: want token 1, claimed at t0, lease until t0+10s", c)
		}
	}
	if len(seen) != 5 {
		t.Fatalf("%d tasks claimed after two rounds, want all 5", len(seen))
	}

	c := append(ca, cb...)[0]
	owner := map[string]*mysql.Store{"a": a, "b": b}[c.Owner]
	next := t0.Add(time.Hour)
	if err := owner.CompleteClaim(t.Context(), c, &next); err != nil {
		t.Fatalf("CompleteClaim: %v", err)
	}
	got, err := a.Get(t.Context(), c.Task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.NextRunAt.Equal(next) || !got.LastRunAt.Equal(c.ScheduledFor) || got.Version != c.Task.Version+1 || !got.Enabled {
		t.Errorf("after CompleteClaim: next %v last %v version %d enabled %v; want %v %v %d true",
			got.NextRunAt, got.LastRunAt, got.Version, got.Enabled, next, c.ScheduledFor, c.Task.Version+1)
	}
	fires, err := b.ListFires(t.Context(), c.Task.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(fires) != 1 || !fires[0].ScheduledFor.Equal(c.ScheduledFor) || fires[0].Owner != c.Owner || fires[0].TaskID != c.Task.ID {
		t.Errorf("ListFires = %+v, want one fire of %s at %v by %s", fires, c.Task.ID, c.ScheduledFor, c.Owner)
	}
	if err := owner.CompleteClaim(t.Context(), c, &next); !errors.Is(err, schedstore.ErrLeaseLost) {
		t.Errorf("second CompleteClaim = %v, want ErrLeaseLost", err)
	}
}

// A lease that ran out goes to the next claimer with a higher token, and
// fences the first owner out; a released lease is claimable at once.
func TestLeaseExpiryAndRelease(t *testing.T) {
	t.Parallel()
	raw := testdb.MySQL(t)
	a, b := openStore(t, raw), openStore(t, raw)
	createDue(t, a, 1)

	first := claim(t, a, "a", t0, 10)
	if len(first) != 1 {
		t.Fatalf("a claimed %d, want 1", len(first))
	}
	if got := claim(t, b, "b", t0.Add(9*time.Second), 10); len(got) != 0 {
		t.Fatalf("b claimed %d under a's live lease", len(got))
	}
	second := claim(t, b, "b", t0.Add(11*time.Second), 10)
	if len(second) != 1 || second[0].Token <= first[0].Token || second[0].Owner != "b" {
		t.Fatalf("after expiry b claimed %+v, want the task with a token above %d", second, first[0].Token)
	}
	if err := a.CompleteClaim(t.Context(), first[0], nil); !errors.Is(err, schedstore.ErrLeaseLost) {
		t.Errorf("a's CompleteClaim after expiry = %v, want ErrLeaseLost", err)
	}
	if err := a.ReleaseClaim(t.Context(), first[0]); !errors.Is(err, schedstore.ErrLeaseLost) {
		t.Errorf("a's ReleaseClaim after expiry = %v, want ErrLeaseLost", err)
	}

	if err := b.ReleaseClaim(t.Context(), second[0]); err != nil {
		t.Fatalf("ReleaseClaim: %v", err)
	}
	third := claim(t, a, "a", t0.Add(11*time.Second), 10)
	if len(third) != 1 || third[0].Token <= second[0].Token {
		t.Fatalf("after release a claimed %+v, want the task with a token above %d", third, second[0].Token)
	}
	if err := a.CompleteClaim(t.Context(), third[0], nil); err != nil {
		t.Fatalf("CompleteClaim: %v", err)
	}
	if got, err := a.Get(t.Context(), third[0].Task.ID); err != nil || got.Enabled || got.NextRunAt != nil {
		t.Errorf("after CompleteClaim(nil) got %+v, %v: want disabled, no next run", got, err)
	}
}

// A zero now means the database's clock, which Open keeps in UTC.
func TestClaimDueDatabaseClock(t *testing.T) {
	t.Parallel()
	b := openStore(t, testdb.MySQL(t))
	task := schedstore.NewCron("job", "@hourly")
	task.NextRunAt = ptr(time.Now().Add(-time.Minute))
	if err := b.Create(t.Context(), task); err != nil {
		t.Fatal(err)
	}
	claims := claim(t, b, "a", time.Time{}, 10)
	if len(claims) != 1 {
		t.Fatalf("claimed %d, want 1", len(claims))
	}
	if skew := time.Since(claims[0].ClaimedAt); skew < -time.Minute || skew > time.Minute {
		t.Errorf("ClaimedAt %v is %v from the local clock: time zone not UTC?", claims[0].ClaimedAt, skew)
	}
}

// Concurrent Ensure calls with one definition: one row, one creator.
func TestEnsureConcurrent(t *testing.T) {
	t.Parallel()
	b := openStore(t, testdb.MySQL(t))
	const n = 32
	var wg sync.WaitGroup
	ids := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			task := schedstore.NewCron("report", "0 9 * * *")
			task.Args = []any{"weekly", 1.0}
			got, c, err := b.Ensure(t.Context(), task)
			if err == nil {
				ids[i] = got.ID
			}
			created[i], errs[i] = c, err
		})
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Ensure #%d: %v", i, errs[i])
			continue
		}
		if created[i] {
			creators++
		}
		if ids[i] != ids[0] {
			t.Errorf("Ensure #%d returned task %s, #0 %s", i, ids[i], ids[0])
		}
	}
	all, err := b.ListAll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if creators != 1 || len(all) != 1 {
		t.Errorf("%d creators, %d rows: want 1 and 1", creators, len(all))
	}
}

func TestPruneFires(t *testing.T) {
	t.Parallel()
	b := openStore(t, testdb.MySQL(t))
	createDue(t, b, 3)
	for _, c := range claim(t, b, "a", t0, 10) {
		if err := b.CompleteClaim(t.Context(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Fires are stamped with the local clock.
	if n, err := b.PruneFires(t.Context(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PruneFires(an hour ago) = %d, %v; want 0", n, err)
	}
	if n, err := b.PruneFires(t.Context(), time.Now().Add(time.Minute)); err != nil || n != 3 {
		t.Errorf("PruneFires(soon) = %d, %v; want 3", n, err)
	}
	if n, err := b.PruneFires(t.Context(), time.Now().Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("PruneFires again = %d, %v; want 0", n, err)
	}
}

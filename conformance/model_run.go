package conformance

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowrra/schedstore"
)

// testModel makes random calls against the backend and the in-memory
// model and compares every result, and ListAll every fullEvery calls.
func testModel(t *testing.T, s *suite) {
	s.leaf(t, "random_calls", func(t *testing.T, b schedstore.Store) {
		seed, n := modelSeed(t), modelOps(t)
		t.Logf("seed %d, %d calls (replay: %s=%d)", seed, n, seedEnv, seed)
		r := &modelRun{
			t: t, b: b, m: newModel(), seed: seed,
			rng:    rand.New(rand.NewPCG(seed, 0x5c4ed5)),
			defs:   map[string]defKey{},
			fuzzy:  map[string]window{},
			fired:  map[fireKey]window{},
			counts: map[string]int{},
		}
		r.st = b
		for r.step = 1; r.step <= n; r.step++ {
			r.randomCall()
			if r.step%fullEvery == 0 {
				r.compareAll()
			}
		}
		r.compareAll()
		t.Logf("calls by outcome: %s", r.summary())
	})
}

const fullEvery = 25

type modelRun struct {
	t    *testing.T
	b    schedstore.Store
	st   schedstore.Store // b as a Store, or nil
	m    *model
	rng  *rand.Rand
	seed uint64
	step int

	assigned []string          // IDs the backend assigned
	defs     map[string]defKey // the definition of each stored task
	// fuzzy holds the tasks whose UpdatedAt only the backend knows (set by
	// UpdateRunTimes, which writes nothing back), with when it was set.
	fuzzy  map[string]window
	recent []string // the last calls, for the failure message
	counts map[string]int

	claims []claimPair // outstanding claims, live or stale
	// fired holds the fires whose FinishedAt only the backend knows, with
	// when CompleteClaim or CompleteClaims recorded them.
	fired map[fireKey]window
}

type window struct{ before, after time.Time }

func (r *modelRun) randomCall() {
	if r.st != nil && r.rng.IntN(4) == 0 {
		r.randomStoreCall()
		return
	}
	switch x := r.rng.IntN(100); {
	case x < 24:
		r.create()
	case x < 38:
		r.update()
	case x < 46:
		r.delete()
	case x < 56:
		r.get()
	case x < 59:
		r.list("ListAll", func(b schedstore.Store) ([]*schedstore.Task, error) { return b.ListAll(r.t.Context()) })
	case x < 63:
		r.listPage()
	case x < 70:
		r.list("ListEnabled", func(b schedstore.Store) ([]*schedstore.Task, error) { return b.ListEnabled(r.t.Context()) })
	case x < 80:
		now := r.dueNow()
		r.list(fmt.Sprintf("ListDue(%v)", now), func(b schedstore.Store) ([]*schedstore.Task, error) {
			return b.ListDue(r.t.Context(), now)
		})
	case x < 90:
		r.updateRunTimes()
	case x < 99:
		r.find()
	default:
		r.clear()
	}
}

func (r *modelRun) create() {
	id := r.pickID()
	if r.rng.IntN(10) == 0 {
		id = ""
	}
	in, k := r.randomTask(id)
	if r.rng.IntN(8) == 0 {
		in.Version = 7 // Create stores 1 whatever the caller says
	}
	r.maybeCorrupt(in)
	bt, mt := cloneTask(in), cloneTask(in)
	r.note("Create(%s)", describe(in))
	errB := r.b.Create(r.t.Context(), bt)
	if errB == nil {
		// The model stores what the backend assigned.
		if mt.ID == "" {
			mt.ID = bt.ID
			r.assigned = append(r.assigned, bt.ID)
		}
		if mt.CreatedAt.IsZero() {
			mt.CreatedAt = bt.CreatedAt
		}
	}
	errM := r.m.Create(r.t.Context(), mt)
	r.sameErr("Create", errB, errM)
	if errB == nil {
		r.diff("Create write-back into *Task", mt, bt)
		r.defs[bt.ID] = k
		delete(r.fuzzy, bt.ID)
	}
}

func (r *modelRun) update() {
	in, k := r.randomTask(r.pickID())
	if r.rng.IntN(3) == 0 {
		// Optimistic: the stored Version, or one behind or ahead of it.
		r.m.mu.Lock()
		v := r.m.rows[in.ID].Version
		r.m.mu.Unlock()
		in.Version = max(1, v+int64(r.rng.IntN(3)-1))
	}
	r.maybeCorrupt(in)
	bt, mt := cloneTask(in), cloneTask(in)
	r.note("Update(%s)", describe(in))
	before := time.Now()
	errB := r.b.Update(r.t.Context(), bt)
	after := time.Now()
	if errB == nil {
		r.checkNow("Update's UpdatedAt", bt.UpdatedAt, window{before, after})
		stamp := bt.UpdatedAt
		r.m.now = func() time.Time { return stamp }
	}
	errM := r.m.Update(r.t.Context(), mt)
	r.m.now = time.Now
	r.sameErr("Update", errB, errM)
	if errB == nil {
		// The contract does not say whether Update writes CreatedAt back.
		r.diff("Update write-back into *Task", mt, bt, cmpopts.IgnoreFields(schedstore.Task{}, "CreatedAt"))
		r.defs[bt.ID] = k
		delete(r.fuzzy, bt.ID)
	}
}

func (r *modelRun) delete() {
	id := r.pickID()
	r.note("Delete(%q)", id)
	gotB, errB := r.b.Delete(r.t.Context(), id)
	gotM, errM := r.m.Delete(r.t.Context(), id)
	r.sameErr("Delete", errB, errM)
	if gotB != gotM {
		r.failf("Delete(%q) = %v, model says %v", id, gotB, gotM)
	}
	delete(r.defs, id)
	delete(r.fuzzy, id)
	r.dropClaims(id)
}

func (r *modelRun) get() {
	id := r.pickID()
	r.note("Get(%q)", id)
	gotB, errB := r.b.Get(r.t.Context(), id)
	gotM, errM := r.m.Get(r.t.Context(), id)
	r.sameErr("Get", errB, errM)
	if errB == nil {
		r.reconcile(gotM, gotB)
		r.diff("Get", gotM, gotB)
	}
}

func (r *modelRun) list(call string, f func(schedstore.Store) ([]*schedstore.Task, error)) {
	r.note("%s", call)
	gotB, errB := f(r.b)
	gotM, errM := f(r.m)
	r.sameErr(call, errB, errM)
	for i := range min(len(gotB), len(gotM)) {
		r.reconcile(gotM[i], gotB[i])
	}
	r.diff(call, gotM, gotB)
}

func (r *modelRun) compareAll() {
	r.list("ListAll (periodic)", func(b schedstore.Store) ([]*schedstore.Task, error) { return b.ListAll(r.t.Context()) })
	if r.st != nil {
		r.compareFires()
	}
}

func (r *modelRun) updateRunTimes() {
	id := r.pickID()
	var last, next time.Time
	if p := r.maybeTime(randRunTimes); p != nil {
		last = *p
	}
	if p := r.maybeTime(randRunTimes); p != nil {
		next = *p
	}
	r.note("UpdateRunTimes(%q, %v, %v)", id, last, next)
	before := time.Now()
	errB := r.b.UpdateRunTimes(r.t.Context(), id, last, next)
	w := window{before, time.Now()}
	errM := r.m.UpdateRunTimes(r.t.Context(), id, last, next)
	r.sameErr("UpdateRunTimes", errB, errM)
	if errB == nil {
		r.fuzzy[id] = w
	}
}

func (r *modelRun) find() {
	k := r.randomDef()
	if len(r.defs) > 0 && r.rng.IntN(3) != 0 {
		// Mostly ask for a stored definition, respelled.
		stored := slices.Sorted(maps.Keys(r.defs))
		k = r.defs[pickOne(r, stored)]
	}
	name, typ, schedule, args, kwargs := r.spell(k)
	r.note("FindByDefinition(%q, %q, %q, %s, %s)", name, typ, schedule, show(args), show(kwargs))
	gotB, errB := r.b.FindByDefinition(r.t.Context(), name, typ, schedule, args, kwargs)
	r.m.mu.Lock()
	matches, errM := r.m.matching(name, typ, schedule, args, kwargs)
	r.m.mu.Unlock()
	if errM == nil && len(matches) == 0 {
		errM = schedstore.ErrNotFound
	}
	r.sameErr("FindByDefinition", errB, errM)
	if errB != nil {
		return
	}
	i := slices.IndexFunc(matches, func(t *schedstore.Task) bool { return t.ID == gotB.ID })
	if i < 0 {
		r.failf("FindByDefinition returned %q, but the model's matches are %q", gotB.ID, ids(matches))
	}
	r.reconcile(matches[i], gotB)
	r.diff("FindByDefinition", matches[i], gotB)
}

func (r *modelRun) clear() {
	r.note("Clear()")
	nB, errB := r.b.Clear(r.t.Context())
	nM, errM := r.m.Clear(r.t.Context())
	r.sameErr("Clear", errB, errM)
	if nB != nM {
		r.failf("Clear = %d, model says %d", nB, nM)
	}
	clear(r.defs)
	clear(r.fuzzy)
	r.claims = nil
	clear(r.fired)
}

// listPage compares a page of ListAll (ListPage, and next), or the whole
// rest of the list through ListAllSeq, after a random cursor: the start,
// a stored task's position, or a position between tasks.
func (r *modelRun) listPage() {
	var after schedstore.Cursor
	switch r.rng.IntN(4) {
	case 0:
	case 1:
		after = schedstore.Cursor{CreatedAt: r.jitter(pickOne(r, randRunTimes))}
	default:
		r.m.mu.Lock()
		ids := slices.Sorted(maps.Keys(r.m.rows)) // sorted, so the seed replays
		if len(ids) > 0 {
			row := r.m.rows[pickOne(r, ids)]
			after = schedstore.Cursor{CreatedAt: row.CreatedAt, ID: row.ID}
		}
		r.m.mu.Unlock()
		if r.rng.IntN(3) == 0 {
			after.ID += "\x01" // between that task and the next (PostgreSQL text holds no NUL)
		}
	}
	if r.rng.IntN(3) == 0 {
		r.list(fmt.Sprintf("ListAllSeq(%v)", after), func(b schedstore.Store) ([]*schedstore.Task, error) {
			var out []*schedstore.Task
			for t, err := range b.ListAllSeq(r.t.Context(), after) {
				if err != nil {
					return nil, err
				}
				out = append(out, t)
			}
			return out, nil
		})
		return
	}
	limit := pickOne(r, []int{0, 1, 2, 3, 7, 1000})
	var nextB, nextM schedstore.Cursor
	r.list(fmt.Sprintf("ListPage(%v, %d)", after, limit), func(b schedstore.Store) ([]*schedstore.Task, error) {
		tasks, next, err := b.ListPage(r.t.Context(), after, limit)
		if b == r.b {
			nextB = next
		} else {
			nextM = next
		}
		return tasks, err
	})
	if nextB.ID != nextM.ID || !nextB.CreatedAt.Equal(nextM.CreatedAt) {
		r.failf("ListPage next: backend %v, model %v", nextB, nextM)
	}
}

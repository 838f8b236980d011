package conformance

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/flowrra/schedstore"
)

// The randomized test's Store calls. Each ClaimDue passes an explicit
// clock from the run-time pool, so the backend and the model agree on
// what is due and which leases have ended; only a FinishedAt left to the
// store (and the UpdatedAt and clamped StartedAt that follow it) comes
// from the backend's clock, and is adopted by the model after a check
// (reconcile, reconcileFire). RenewClaims ends leases on the database
// clock, today: between past and the other pool instants by years, so
// the model's clock gives the same answers.
var (
	randOwners = []string{"w1", "w2", "wü"}
	// randLeases end on the pool's instants (base-2h + 2h = base), just
	// after them (1µs) and past all of them.
	randLeases = []time.Duration{time.Microsecond, time.Hour, 2 * time.Hour}
	// randOlderThan are PruneFires bounds before and after every fire,
	// which the backend's clock cannot put on the wrong side.
	randOlderThan = []time.Time{past, farFuture}
)

// claimPair is one claim as the backend and the model returned it: the
// same but for Token, whose value the contract leaves open.
type claimPair struct{ b, m schedstore.Claim }

func (r *modelRun) randomStoreCall() {
	switch x := r.rng.IntN(100); {
	case x < 28:
		r.claimDue()
	case x < 40:
		r.completeClaim()
	case x < 52:
		r.completeClaims()
	case x < 58:
		r.renewClaims()
	case x < 63:
		r.startRetry()
	case x < 67:
		r.releaseClaim()
	case x < 72:
		r.returnClaim()
	case x < 80:
		r.ensure()
	case x < 85:
		r.pauseOrResume()
	case x < 88:
		r.trigger()
	case x < 94:
		r.listFires(r.pickID(), pickOne(r, []int{-1, 0, 1, 2, 3}))
	case x < 97:
		r.nextDue()
	default:
		r.pruneFires()
	}
}

func (r *modelRun) nextDue() {
	r.note("NextDue()")
	atB, okB, errB := r.st.NextDue(r.t.Context())
	atM, okM, errM := r.m.NextDue(r.t.Context())
	r.sameErr("NextDue", errB, errM)
	if okB != okM || !atB.Equal(atM) {
		r.failf("NextDue() = %v, %v; model says %v, %v", atB, okB, atM, okM)
	}
}

func (r *modelRun) claimDue() {
	owner, now := pickOne(r, randOwners), r.jitter(pickOne(r, randRunTimes))
	lease, limit := pickOne(r, randLeases), 1+r.rng.IntN(4)
	r.note("ClaimDue(%q, %v, %v, %d)", owner, now, lease, limit)
	gotB, errB := r.st.ClaimDue(r.t.Context(), owner, now, lease, limit)
	gotM, errM := r.m.ClaimDue(r.t.Context(), owner, now, lease, limit)
	r.sameErr("ClaimDue", errB, errM)
	for i := range min(len(gotB), len(gotM)) {
		r.reconcile(gotM[i].Task, gotB[i].Task)
	}
	if len(gotB)+len(gotM) > 0 { // nil and empty both mean none
		r.diff("ClaimDue", gotM, gotB, ignoreToken)
	}
	for i := range gotB {
		r.claims = append(r.claims, claimPair{gotB[i], gotM[i]})
	}
}

// takeClaim removes and returns a random outstanding claim, live or stale.
func (r *modelRun) takeClaim() (claimPair, bool) {
	if len(r.claims) == 0 {
		return claimPair{}, false
	}
	i := r.rng.IntN(len(r.claims))
	p := r.claims[i]
	r.claims = slices.Delete(r.claims, i, i+1)
	return p, true
}

func (r *modelRun) completeClaim() {
	p, ok := r.takeClaim()
	if !ok {
		r.claimDue()
		return
	}
	next := r.maybeTime(randRunTimes)
	r.note("CompleteClaim(%q of %q at %v, token %d, attempt %d, next %v)", p.b.Owner, p.b.Task.ID, p.b.ScheduledFor,
		p.b.Token, p.b.Attempt, next)
	before := time.Now()
	errB := r.st.CompleteClaim(r.t.Context(), p.b, next)
	w := window{before, time.Now()}
	errM := r.m.CompleteClaim(r.t.Context(), p.m, next)
	r.sameErr("CompleteClaim", errB, errM)
	r.completed(p.b, time.Time{}, errB, w)
}

// completed notes what a completion finished at finishedAt (zero: the
// backend's clock, during w) changed that only the backend knows.
func (r *modelRun) completed(c schedstore.Claim, finishedAt time.Time, err error, w window) {
	id := c.Task.ID
	k := fireKey{id, c.ScheduledFor.UnixMicro()}
	advanced := err == nil || errors.Is(err, schedstore.ErrAlreadyFired)
	switch {
	case !advanced:
	case finishedAt.IsZero():
		r.fuzzy[id] = w // the task was advanced at the backend's clock
		if err == nil {
			r.fired[k] = w
		}
	default:
		delete(r.fuzzy, id) // UpdatedAt is finishedAt, which the model knows
		if err == nil {
			delete(r.fired, k)
		}
	}
}

// randErrors are fire errors: none, short, NUL and invalid UTF-8, and
// over MaxFireErrorBytes with multibyte runes across the cut.
var randErrors = []string{"", "boom", "a\x00b\xffc", strings.Repeat("é😀", 300)}

// randStatuses includes "" (succeeded) and one invalid outcome.
var randStatuses = []schedstore.FireStatus{"", schedstore.FireSucceeded, schedstore.FireFailed, schedstore.FireFailed, "bogus"}

// takeBatch removes and returns up to 3 outstanding claims, mostly of one
// owner (the contract's rule for a batch), live or stale.
func (r *modelRun) takeBatch() []claimPair {
	n := 1 + r.rng.IntN(3)
	var out []claimPair
	mixed := r.rng.IntN(8) == 0
	for len(out) < n {
		i := slices.IndexFunc(r.claims, func(p claimPair) bool {
			return len(out) == 0 || mixed || p.b.Owner == out[0].b.Owner
		})
		if i < 0 {
			break
		}
		if len(out) == 0 {
			i = r.rng.IntN(len(r.claims))
		}
		out = append(out, r.claims[i])
		r.claims = slices.Delete(r.claims, i, i+1)
	}
	return out
}

func describeClaims(ps []claimPair) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%q of %q at %v token %d attempt %d", p.b.Owner, p.b.Task.ID, p.b.ScheduledFor, p.b.Token, p.b.Attempt)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// sameErrs compares per-item results of a batch call.
func (r *modelRun) sameErrs(call string, errsB, errsM []error) {
	r.t.Helper()
	if len(errsB) != len(errsM) {
		r.failf("%s: backend returned %d results %v, model %d %v", call, len(errsB), errsB, len(errsM), errsM)
	}
	for i := range errsB {
		r.sameErr(fmt.Sprintf("%s item %d", call, i), errsB[i], errsM[i])
	}
}

func (r *modelRun) completeClaims() {
	ps := r.takeBatch()
	if len(ps) == 0 {
		r.claimDue()
		return
	}
	bs, ms := make([]schedstore.Completion, len(ps)), make([]schedstore.Completion, len(ps))
	for i, p := range ps {
		c := schedstore.Completion{
			NextRun:  r.maybeTime(randRunTimes),
			Status:   pickOne(r, randStatuses[:4]),
			Attempts: pickOne(r, []int{0, 0, 1, 3}),
			Error:    pickOne(r, randErrors),
		}
		if r.rng.IntN(20) == 0 {
			c.Status = pickOne(r, randStatuses)
		}
		if r.rng.IntN(2) == 0 {
			c.FinishedAt = r.jitter(pickOne(r, randRunTimes))
		}
		bs[i], ms[i] = c, c
		bs[i].Claim, ms[i].Claim = p.b, p.m
	}
	r.note("CompleteClaims(%s, %d completions, first %+v)", describeClaims(ps), len(bs),
		struct {
			S schedstore.FireStatus
			A int
			F time.Time
		}{bs[0].Status, bs[0].Attempts, bs[0].FinishedAt})
	before := time.Now()
	errsB, errB := r.st.CompleteClaims(r.t.Context(), bs)
	w := window{before, time.Now()}
	errsM, errM := r.m.CompleteClaims(r.t.Context(), ms)
	r.sameErr("CompleteClaims", errB, errM)
	if errB != nil {
		// Nothing was written: the claims stay as they were.
		r.claims = append(r.claims, ps...)
		return
	}
	r.sameErrs("CompleteClaims", errsB, errsM)
	for i, p := range ps {
		r.completed(p.b, bs[i].FinishedAt, errsB[i], w)
	}
}

func (r *modelRun) renewClaims() {
	ps := r.takeBatch()
	if len(ps) == 0 {
		r.claimDue()
		return
	}
	r.claims = append(r.claims, ps...) // renewing keeps them outstanding
	lease := pickOne(r, randLeases)
	bs, ms := make([]schedstore.Claim, len(ps)), make([]schedstore.Claim, len(ps))
	for i, p := range ps {
		bs[i], ms[i] = p.b, p.m
	}
	r.note("RenewClaims(%s, %v)", describeClaims(ps), lease)
	errsB, errB := r.st.RenewClaims(r.t.Context(), bs, lease)
	errsM, errM := r.m.RenewClaims(r.t.Context(), ms, lease)
	r.sameErr("RenewClaims", errB, errM)
	if errB == nil {
		r.sameErrs("RenewClaims", errsB, errsM)
	}
}

func (r *modelRun) startRetry() {
	if len(r.claims) == 0 {
		r.claimDue()
		return
	}
	i := r.rng.IntN(len(r.claims))
	p := r.claims[i]
	r.note("StartRetry(%q of %q at %v, token %d, attempt %d)", p.b.Owner, p.b.Task.ID, p.b.ScheduledFor, p.b.Token, p.b.Attempt)
	gotB, errB := r.st.StartRetry(r.t.Context(), p.b)
	gotM, errM := r.m.StartRetry(r.t.Context(), p.m)
	r.sameErr("StartRetry", errB, errM)
	r.diff("StartRetry's claim", gotM, gotB, ignoreToken)
	if gotB.Token != p.b.Token {
		r.failf("StartRetry changed the token from %d to %d", p.b.Token, gotB.Token)
	}
	r.claims[i] = claimPair{gotB, gotM}
}

func (r *modelRun) releaseClaim() {
	p, ok := r.takeClaim()
	if !ok {
		r.claimDue()
		return
	}
	r.note("ReleaseClaim(%q of %q at %v, token %d)", p.b.Owner, p.b.Task.ID, p.b.ScheduledFor, p.b.Token)
	errB := r.st.ReleaseClaim(r.t.Context(), p.b)
	errM := r.m.ReleaseClaim(r.t.Context(), p.m)
	r.sameErr("ReleaseClaim", errB, errM)
}

// returnClaim hands a claim back uncounted; now and then with an
// occurrence the lease is not for, which changes nothing.
func (r *modelRun) returnClaim() {
	p, ok := r.takeClaim()
	if !ok {
		r.claimDue()
		return
	}
	kept := p
	if r.rng.IntN(8) == 0 {
		p.b.ScheduledFor = p.b.ScheduledFor.Add(time.Second)
		p.m.ScheduledFor = p.b.ScheduledFor
	}
	r.note("ReturnClaim(%q of %q at %v, token %d, attempt %d)", p.b.Owner, p.b.Task.ID, p.b.ScheduledFor, p.b.Token, p.b.Attempt)
	errB := r.st.ReturnClaim(r.t.Context(), p.b)
	errM := r.m.ReturnClaim(r.t.Context(), p.m)
	r.sameErr("ReturnClaim", errB, errM)
	if errB != nil {
		r.claims = append(r.claims, kept) // unchanged: still live, or still stale
	}
}

// dropClaims forgets the claims of a deleted task: a new row with its ID
// starts its tokens afresh in some dialects and not in others, which the
// contract leaves open.
func (r *modelRun) dropClaims(id string) {
	r.claims = slices.DeleteFunc(r.claims, func(p claimPair) bool { return p.b.Task.ID == id })
	for k := range r.fired {
		if k.taskID == id {
			delete(r.fired, k)
		}
	}
}

func (r *modelRun) ensure() {
	id := ""
	if r.rng.IntN(3) == 0 {
		id = r.pickID()
	}
	in, k := r.randomTask(id)
	r.maybeCorrupt(in)
	bt, mt := cloneTask(in), cloneTask(in)
	r.note("Ensure(%s)", describe(in))
	// The contract lets Ensure return any task with the definition.
	r.m.mu.Lock()
	matches, _ := r.m.matching(in.TaskName, in.ScheduleType, in.Schedule, in.Args, in.Kwargs)
	r.m.mu.Unlock()
	gotB, createdB, errB := r.st.Ensure(r.t.Context(), bt)
	if errB == nil && createdB {
		// The model stores what the backend assigned.
		if mt.ID == "" {
			mt.ID = gotB.ID
			r.assigned = append(r.assigned, gotB.ID)
		}
		if mt.CreatedAt.IsZero() {
			mt.CreatedAt = gotB.CreatedAt
		}
	}
	gotM, createdM, errM := r.m.Ensure(r.t.Context(), mt)
	r.sameErr("Ensure", errB, errM)
	switch {
	case errB != nil:
	case createdB != createdM:
		r.failf("Ensure created = %v, model says %v (model's task %q)", createdB, createdM, gotM.ID)
	case createdB:
		r.diff("Ensure's new task", gotM, gotB)
		r.defs[gotB.ID] = k
		delete(r.fuzzy, gotB.ID)
	default:
		i := slices.IndexFunc(matches, func(t *schedstore.Task) bool { return t.ID == gotB.ID })
		if i < 0 {
			r.failf("Ensure returned %q, but the model's matches are %q", gotB.ID, ids(matches))
		}
		r.reconcile(matches[i], gotB)
		r.diff("Ensure's existing task", matches[i], gotB)
	}
}

func (r *modelRun) listFires(id string, limit int) {
	r.note("ListFires(%q, %d)", id, limit)
	gotB, errB := r.st.ListFires(r.t.Context(), id, limit)
	gotM, errM := r.m.ListFires(r.t.Context(), id, limit)
	r.sameErr("ListFires", errB, errM)
	if len(gotB) == len(gotM) {
		for i := range gotM {
			r.reconcileFire(&gotM[i], gotB[i])
		}
	}
	if len(gotB)+len(gotM) > 0 {
		r.diff("ListFires", gotM, gotB)
	}
}

// reconcileFire adopts the backend's FinishedAt for a fire the model has
// not seen yet, after checking that it is a time of the completing call;
// and its StartedAt too where the model, finding the first attempt later
// than the end, started it at the end (its own clock's).
func (r *modelRun) reconcileFire(want *schedstore.Fire, got schedstore.Fire) {
	k := fireKey{want.TaskID, want.ScheduledFor.UnixMicro()}
	w, ok := r.fired[k]
	if !ok || got.TaskID != want.TaskID || !got.ScheduledFor.Equal(want.ScheduledFor) {
		return
	}
	r.checkNow("FinishedAt of "+want.TaskID, got.FinishedAt, w)
	clamped := want.StartedAt != nil && want.StartedAt.Equal(want.FinishedAt)
	want.FinishedAt = got.FinishedAt
	if clamped {
		want.StartedAt = at(got.FinishedAt)
	}
	r.m.mu.Lock()
	if f, ok := r.m.fires[k]; ok {
		f.FinishedAt, f.StartedAt = want.FinishedAt, want.StartedAt
		r.m.fires[k] = f
	}
	r.m.mu.Unlock()
	delete(r.fired, k)
}

func (r *modelRun) pruneFires() {
	olderThan := pickOne(r, randOlderThan)
	r.note("PruneFires(%v)", olderThan)
	nB, errB := r.st.PruneFires(r.t.Context(), olderThan)
	nM, errM := r.m.PruneFires(r.t.Context(), olderThan)
	r.sameErr("PruneFires", errB, errM)
	if nB != nM {
		r.failf("PruneFires(%v) = %d, model says %d", olderThan, nB, nM)
	}
}

// compareFires compares the ledger of every task the model has fires
// for; the random ListFires calls look for fires the model lacks.
func (r *modelRun) compareFires() {
	r.m.mu.Lock()
	withFires := map[string]bool{}
	for k := range r.m.fires {
		withFires[k.taskID] = true
	}
	r.m.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(withFires)) {
		r.listFires(id, 0)
	}
}

// randPauseReasons ends with one that is too long.
var randPauseReasons = []string{"", "deploy", "maintenance: ü", strings.Repeat("r", schedstore.MaxPauseReasonBytes+1)}

// pauseOrResume calls Pause or Resume on the backend, then on the model at
// the backend's clock (the UpdatedAt it wrote), so both compute the same
// PausedAt and next slot.
func (r *modelRun) pauseOrResume() {
	id, resume, reason := r.pickID(), r.rng.IntN(2) == 0, pickOne(r, randPauseReasons)
	call := func(s schedstore.Store) (*schedstore.Task, error) {
		if resume {
			return s.Resume(r.t.Context(), id)
		}
		return s.Pause(r.t.Context(), id, reason)
	}
	if resume {
		r.note("Resume(%q)", id)
	} else {
		r.note("Pause(%q, %d bytes)", id, len(reason))
	}
	r.m.mu.Lock()
	row, exists := r.m.rows[id]
	r.m.mu.Unlock()
	writes := exists && !(resume && row.Enabled && row.PausedAt == nil)
	before := time.Now()
	gotB, errB := call(r.st)
	w := window{before, time.Now()}
	if errB == nil && writes {
		r.checkNow("UpdatedAt after Pause or Resume", gotB.UpdatedAt, w)
		stamp := gotB.UpdatedAt
		r.m.now = func() time.Time { return stamp }
	}
	gotM, errM := call(r.m)
	r.m.now = time.Now
	r.sameErr("Pause or Resume", errB, errM)
	if errB != nil || errM != nil {
		return
	}
	if writes {
		delete(r.fuzzy, id)
	} else {
		r.reconcile(gotM, gotB)
	}
	r.diff("Pause or Resume", gotM, gotB)
}

// trigger calls Trigger on the backend, then on the model at the
// backend's clock (the occurrence it returned), so both queue the same
// request.
func (r *modelRun) trigger() {
	id := r.pickID()
	r.note("Trigger(%q)", id)
	atB, errB := r.st.Trigger(r.t.Context(), id)
	if errB == nil {
		stamp := atB
		r.m.now = func() time.Time { return stamp }
	}
	atM, errM := r.m.Trigger(r.t.Context(), id)
	r.m.now = time.Now
	r.sameErr("Trigger", errB, errM)
	if errB == nil && errM == nil && !atB.Equal(atM) {
		r.failf("Trigger(%q) = %v; model says %v", id, atB, atM)
	}
}

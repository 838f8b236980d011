package runner

import (
	"context"
	"log/slog"
	"time"

	"github.com/flowrra/schedstore"
)

// The completer's batching: a batch is written when it holds
// completeBatchMax completions or completeBatchWait after its first one,
// whichever comes first, so a lone job is recorded within milliseconds and
// a busy runner writes many in one transaction. Past completeBacklog
// waiting completions, jobs wait to hand theirs over (backpressure).
const (
	completeBatchMax  = 100
	completeBatchWait = 20 * time.Millisecond
	completeBacklog   = 5000
)

type pendingCompletion struct {
	done schedstore.Completion
	then func(error) // the completion's own result
}

// completer writes completions in batches (schedstore.Store.CompleteClaims),
// as River's batch completer does: one transaction per batch, each claim
// fenced on its own inside it. A batch the store cannot take is tried again
// for up to a lease; a completion that is never written is not lost work:
// its occurrence is claimed again when the lease ends and fires again
// (delivery is at least once; the ledger still holds it once).
type completer struct {
	store   schedstore.Store
	log     *slog.Logger
	flushed func() // after each batch: the loop may look again

	in   chan pendingCompletion
	done chan struct{}
}

func newCompleter(store schedstore.Store, log *slog.Logger, flushed func()) *completer {
	return &completer{store: store, log: log, flushed: flushed,
		in: make(chan pendingCompletion, completeBacklog), done: make(chan struct{})}
}

func (c *completer) start() { go c.run() }

// submit queues a completion; then runs with its result once it is written.
func (c *completer) submit(done schedstore.Completion, then func(error)) {
	c.in <- pendingCompletion{done, then}
}

// stop writes what is queued and returns; call it after the last submit.
func (c *completer) stop() {
	close(c.in)
	<-c.done
}

func (c *completer) run() {
	defer close(c.done)
	for {
		first, ok := <-c.in
		if !ok {
			return
		}
		batch := []pendingCompletion{first}
		timer := time.NewTimer(completeBatchWait)
	collect:
		for len(batch) < completeBatchMax {
			select {
			case p, ok := <-c.in:
				if !ok {
					break collect
				}
				batch = append(batch, p)
			case <-timer.C:
				break collect
			}
		}
		timer.Stop()
		c.flush(batch)
	}
}

// flushRetries bounds how long a batch the store refuses is retried.
var flushRetries = []time.Duration{100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

func (c *completer) flush(batch []pendingCompletion) {
	completions := make([]schedstore.Completion, len(batch))
	for i, p := range batch {
		completions[i] = p.done
	}
	var errs []error
	var err error
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs, err = c.store.CompleteClaims(ctx, completions)
		cancel()
		if err == nil || attempt == len(flushRetries) {
			break
		}
		c.log.Warn("recording outcomes failed; retrying", "completions", len(batch), "err", err,
			"retry_in", flushRetries[attempt])
		time.Sleep(flushRetries[attempt])
	}
	for i, p := range batch {
		if err != nil {
			p.then(err)
		} else {
			p.then(errs[i])
		}
	}
	c.flushed()
}

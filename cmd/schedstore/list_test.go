package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func seqOf(tasks []*schedstore.Task, tail error) iter.Seq2[*schedstore.Task, error] {
	return func(yield func(*schedstore.Task, error) bool) {
		for _, t := range tasks {
			if !yield(t, nil) {
				return
			}
		}
		if tail != nil {
			yield(nil, tail)
		}
	}
}

func listedTasks(n int) []*schedstore.Task {
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	out := make([]*schedstore.Task, n)
	for i := range out {
		out[i] = &schedstore.Task{ID: fmt.Sprintf("task-%05d", i), TaskName: "x <&> \u00e9", ScheduleType: schedstore.ScheduleInterval,
			Schedule: "1h", Args: []any{"a", 1.5}, Kwargs: map[string]any{"k": "v"}, CreatedAt: created, UpdatedAt: created}
	}
	return out
}

// The streamed array is byte for byte what encoding the whole slice at
// once printed.
func TestJSONArrayStreamsTheSameBytes(t *testing.T) {
	for _, n := range []int{0, 1, 3, 2*schedstore.ListPageSize + 1} {
		tasks := listedTasks(n)
		views := make([]taskView, 0, n)
		for _, task := range tasks {
			views = append(views, viewOf(task))
		}
		var want, got bytes.Buffer
		if err := writeJSON(&want, views); err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(&got)
		if err := writeJSONArray(w, seqOf(tasks, nil)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if got.String() != want.String() {
			t.Errorf("%d tasks: streamed\n%.400s\nwant\n%.400s", n, got.String(), want.String())
		}
	}
}

// An error leaves the array unclosed (no reader takes it for the whole
// list); one before the first task prints nothing.
func TestJSONArrayError(t *testing.T) {
	boom := errors.New("boom")
	for _, n := range []int{0, 2} {
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		if err := writeJSONArray(w, seqOf(listedTasks(n), boom)); !errors.Is(err, boom) {
			t.Errorf("%d tasks: err %v", n, err)
		}
		w.Flush()
		if n == 0 && got.Len() != 0 || n > 0 && strings.HasSuffix(strings.TrimSpace(got.String()), "]") {
			t.Errorf("%d tasks then an error: printed %q", n, got.String())
		}
	}
}

// The table has one header, one row per task, and aligns within blocks.
func TestTableStreams(t *testing.T) {
	n := 2*tableBlock + 5
	var got bytes.Buffer
	w := bufio.NewWriter(&got)
	if err := writeTableSeq(w, seqOf(listedTasks(n), nil), time.Now()); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	if len(lines) != n+1 || !strings.HasPrefix(lines[0], "ID ") || strings.Count(got.String(), "ID ") != 1 {
		t.Errorf("%d lines, first %q; want a header and %d rows", len(lines), lines[0], n)
	}
	got.Reset()
	w.Reset(&got)
	if err := writeTableSeq(w, seqOf(nil, nil), time.Now()); err != nil || w.Flush() != nil || got.String() != "no tasks\n" {
		t.Errorf("empty: %q, %v", got.String(), err)
	}
}

package mysql

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestAgain(t *testing.T) {
	// Wrapped as interpret wraps: again must see through it.
	deadlock := fmt.Errorf("schedstore: mysql create: %w", &mysql.MySQLError{Number: 1213})
	lockWait := &mysql.MySQLError{Number: 1205}
	other := errors.New("connection refused")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()

	for _, tc := range []struct {
		name      string
		ctx       context.Context
		errs      []error // what each call returns; past the end, nil
		wantCalls int
		wantErr   error
	}{
		{"success", t.Context(), nil, 1, nil},
		{"deadlock then success", t.Context(), []error{deadlock}, 2, nil},
		{"two deadlocks then success", t.Context(), []error{deadlock, deadlock}, 3, nil},
		{"stops at three", t.Context(), []error{deadlock, deadlock, deadlock, deadlock}, 3, deadlock},
		{"lock wait timeout", t.Context(), []error{lockWait}, 1, lockWait},
		{"other error", t.Context(), []error{other}, 1, other},
		{"deadlock then other", t.Context(), []error{deadlock, other}, 2, other},
		{"cancelled ctx", cancelled, []error{deadlock}, 1, deadlock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			v, err := again(tc.ctx, func() (int, error) {
				calls++
				if calls <= len(tc.errs) {
					return -1, tc.errs[calls-1]
				}
				return calls, nil
			})
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tc.wantCalls)
			}
			if err != tc.wantErr {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && v != calls {
				t.Errorf("value = %d, want the last call's %d", v, calls)
			}
		})
	}
}

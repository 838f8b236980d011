package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Environment variables Exec adds for the command.
const (
	EnvTaskID   = "SCHEDSTORE_TASK_ID"
	EnvTaskName = "SCHEDSTORE_TASK_NAME"
	EnvAttempt  = "SCHEDSTORE_ATTEMPT"
)

// Exec's stop sequence: SIGTERM to the command's process group when the
// job's context ends, SIGKILL to the group execKillAfter later if it is
// still there; execWaitDelay bounds how long a finished command may keep
// its output open through a background child.
const (
	execKillAfter = 2 * time.Second
	execWaitDelay = 5 * time.Second
)

// Exec returns a Handler that runs command through the shell (sh -c on
// Unix, cmd /C on Windows) once per attempt, with the job's JSON line on
// its standard input and EnvTaskID, EnvTaskName and EnvAttempt added to
// its environment. Its output goes to stdout and stderr. A non-zero exit
// fails the attempt.
//
// The command runs in a process group of its own: the Ctrl-C that asks the
// scheduler to stop does not reach it, and when the job's context ends (a
// timeout, a lost claim, the end of the shutdown grace) the whole group is
// stopped, the shell's children included: SIGTERM, then SIGKILL two
// seconds later.
func Exec(command string, stdout, stderr io.Writer) Handler {
	return HandlerFunc(func(ctx context.Context, j Job) error {
		line, err := j.jsonLine()
		if err != nil {
			return Permanent(err)
		}
		cmd := exec.CommandContext(ctx, shell[0], shell[1], command)
		cmd.Stdin = bytes.NewReader(line)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		cmd.Env = append(os.Environ(), EnvTaskID+"="+j.ID, EnvTaskName+"="+j.TaskName,
			EnvAttempt+"="+strconv.Itoa(j.Attempt))
		cmd.WaitDelay = execWaitDelay
		ownGroup(cmd)
		cmd.Cancel = func() error { return stopGroup(cmd, execKillAfter) }
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("exec: stopped (%w): %w", context.Cause(ctx), err)
			}
			return fmt.Errorf("exec: %w", err)
		}
		return nil
	})
}

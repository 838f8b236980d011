package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// Environment variables Exec adds for the command.
const (
	EnvTaskID   = "SCHEDSTORE_TASK_ID"
	EnvTaskName = "SCHEDSTORE_TASK_NAME"
)

// execWaitDelay bounds how long a finished command may keep its output open
// through a background child before Exec stops waiting for it.
const execWaitDelay = 5 * time.Second

// Exec returns a FireFunc that runs command through the shell (sh -c on
// Unix, cmd /C on Windows) once per fire, with the fire's JSON line on its
// standard input and EnvTaskID and EnvTaskName added to its environment. Its
// output goes to stdout and stderr. A non-zero exit is returned as an error.
//
// The command runs in a process group of its own, so the Ctrl-C that asks
// the scheduler to stop does not also kill the fire in progress.
func Exec(command string, stdout, stderr io.Writer) FireFunc {
	return func(ctx context.Context, f Fire) error {
		line, err := f.jsonLine()
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, shell[0], shell[1], command)
		cmd.Stdin = bytes.NewReader(line)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		cmd.Env = append(os.Environ(), EnvTaskID+"="+f.ID, EnvTaskName+"="+f.TaskName)
		cmd.WaitDelay = execWaitDelay
		detach(cmd)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		return nil
	}
}

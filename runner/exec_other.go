//go:build !unix

package runner

import (
	"os/exec"
	"time"
)

var shell = [2]string{"cmd", "/C"}

// ownGroup does nothing: outside Unix there is no process group to leave.
func ownGroup(*exec.Cmd) {}

// stopGroup kills the command itself; its children are not reached.
func stopGroup(cmd *exec.Cmd, _ time.Duration) error { return cmd.Process.Kill() }

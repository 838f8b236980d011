//go:build unix

package runner

import (
	"os/exec"
	"syscall"
	"time"
)

var shell = [2]string{"/bin/sh", "-c"}

// ownGroup puts cmd in a new process group, out of reach of the
// terminal's SIGINT, and so that stopGroup reaches its children too.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// stopGroup sends SIGTERM to cmd's process group, and SIGKILL after
// killAfter to whatever of the group is left.
func stopGroup(cmd *exec.Cmd, killAfter time.Duration) error {
	pgid := cmd.Process.Pid // Setpgid: the group is named after its leader
	err := syscall.Kill(-pgid, syscall.SIGTERM)
	time.AfterFunc(killAfter, func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	return err
}

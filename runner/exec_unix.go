//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

var shell = [2]string{"/bin/sh", "-c"}

// detach puts cmd in a new process group, out of reach of the terminal's
// SIGINT.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

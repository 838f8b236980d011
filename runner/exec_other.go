//go:build !unix

package runner

import "os/exec"

var shell = [2]string{"cmd", "/C"}

// detach does nothing: outside Unix there is no terminal process group to
// leave.
func detach(*exec.Cmd) {}

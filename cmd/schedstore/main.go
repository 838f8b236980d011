package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(Main()) }

// Main runs the command line in this process and returns the exit status;
// tests register it with testscript.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling so that a
		// second one kills a process stuck finishing its work.
		<-ctx.Done()
		stop()
	}()
	return execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

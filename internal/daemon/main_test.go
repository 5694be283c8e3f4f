package daemon

import (
	"context"
	"os"
	"testing"
)

// TestMain lets the test binary act as "ferry serve" (for the per-connection
// child processes) when started as "daemon.test serve ...".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(Run(context.Background(), os.Args[2:], os.Stdout, os.Stderr, lineHandler))
	}
	os.Exit(m.Run())
}

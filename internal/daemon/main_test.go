package daemon

import (
	"context"
	"os"
	"testing"
)

// TestMain lets the test binary act as "ferry serve" (for the per-connection
// child processes) when started as "daemon.test serve ...", and as a
// daemon under attack (attackd_test.go) when started with attackdEnv set.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(Run(context.Background(), os.Args[2:], os.Stdout, os.Stderr, lineHandler))
	}
	if os.Getenv(attackdEnv) != "" {
		os.Exit(attackdMain())
	}
	os.Exit(m.Run())
}

package cli

import (
	"context"
	"os"
	"testing"
)

// reexecEnv, when set to "1", makes the test binary act as the ferry
// command, so tests can start it as the remote side of a transfer.
const reexecEnv = "FERRY_CLI_TEST_AS_FERRY"

func TestMain(m *testing.M) {
	if os.Getenv(reexecEnv) == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

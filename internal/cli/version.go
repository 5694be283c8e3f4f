package cli

import (
	"fmt"
	"io"
	"runtime/debug"
)

// protocolVersion is the ferry protocol version printed by --version.
const protocolVersion = 1

// version returns ferry's version: the module version stamped by the Go
// toolchain, or "devel" for a build from a working tree.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
	}
	return "devel"
}

// writeVersion prints "ferry VERSION protocol N".
func writeVersion(w io.Writer) {
	fmt.Fprintf(w, "ferry %s protocol %d\n", version(), protocolVersion)
}

package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/ferrysync/ferry/internal/session"
)

// release is ferry's release number (session.Release, which a release
// build sets with
//
//	go build -ldflags "-X github.com/ferrysync/ferry/internal/session.Release=1.0.0" ./cmd/ferry
//
// so that the Hello names it too).
var release = session.Release

// protocolVersion is the ferry protocol version printed by --version.
const protocolVersion = session.ProtocolVersion

// feature is an optional ability of this build, listed by --version.
type feature struct {
	name string
	on   bool
}

// features lists what this build can do beyond copying files, the way
// rsync --version lists its capabilities; "no NAME" when it cannot.
func features() []feature {
	linux := runtime.GOOS == "linux"
	return []feature{
		{"symlinks", true}, {"hardlinks", true}, {"devices", true}, {"specials", true},
		{"ACLs", linux}, {"xattrs", linux},
		{"sparse", true}, {"prealloc", linux}, {"inplace", true}, {"fuzzy", true},
		{"ssh", true}, {"daemon", true}, {"gateway", true}, {"TLS", true}, {"IPv6", true},
		{"zstd", true}, {"rdiff", true}, {"copy_file_range", linux},
	}
}

// revision returns the VCS revision stamped by the Go toolchain (12 hex
// digits, "+dirty" when the tree was modified), or "".
func revision(bi *debug.BuildInfo) string {
	if bi == nil {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev[:min(12, len(rev))] + dirty
}

// writeVersion prints --version. The first line, "ferry VERSION protocol
// N", is meant for scripts; the rest is for people.
func writeVersion(w io.Writer) {
	bi, _ := debug.ReadBuildInfo()
	writeVersionInfo(w, bi)
}

// writeVersionInfo is writeVersion with the build information given.
func writeVersionInfo(w io.Writer, bi *debug.BuildInfo) {
	fmt.Fprintf(w, "ferry %s protocol %d\n", release, protocolVersion)
	build := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if rev := revision(bi); rev != "" {
		build = "revision " + rev + ", " + build
	}
	fmt.Fprintf(w, "built: %s\n", build)
	fmt.Fprintf(w, "Capabilities offered to peers:\n")
	var always []string
	for _, c := range session.Capabilities() {
		if c.When == "" {
			always = append(always, c.Name)
		}
	}
	writeList(w, always)
	for _, c := range session.Capabilities() {
		if c.When != "" {
			fmt.Fprintf(w, "    %s: %s\n", c.Name, c.When)
		}
	}
	fmt.Fprintf(w, "Features:\n")
	var names []string
	for _, f := range features() {
		if !f.on {
			names = append(names, "no "+f.name)
			continue
		}
		names = append(names, f.name)
	}
	writeList(w, names)
}

// writeList prints items separated by commas, indented by four, in lines
// of at most 76 characters.
func writeList(w io.Writer, items []string) {
	line := ""
	for i, item := range items {
		if i < len(items)-1 {
			item += ","
		}
		if line != "" && 4+len(line)+1+len(item) > 76 {
			fmt.Fprintf(w, "    %s\n", line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += item
	}
	if line != "" {
		fmt.Fprintf(w, "    %s\n", line)
	}
}

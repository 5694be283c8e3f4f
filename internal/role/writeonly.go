package role

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ferrysync/ferry/internal/wire"
)

// A write-only destination (a daemon's write_only module) is one the
// pushing client may add to but not read: the receiver tells it nothing
// about what was there before. Config.WriteOnly is set by the daemon that
// serves such a module, never from the wire (FromRun leaves it alone).
// The receiver then:
//
//   - compares nothing: every entry is itemized, counted and reported as
//     new, every regular file is transferred (no quick check, no
//     --checksum compare, no --size-only), so neither the requests nor the
//     events nor the stats say what existed;
//   - sends no signature of any file: whole-file transfers, no basis from
//     the destination, a partial directory, a basis directory or a fuzzy
//     match;
//   - deletes nothing: the options that delete or skip by what the
//     destination holds are refused before the run (WriteOnlyConflict).

// WriteOnlyConflict returns an error naming the first option of c a
// write-only destination refuses: those that delete (--delete and its
// variants, --force, which empties a directory in the way) and those that
// choose by what the destination holds (--existing, --ignore-existing,
// --update, the basis directories --compare-dest, --copy-dest and
// --link-dest). Each would tell the pusher what others wrote, or destroy
// it. It returns nil when c has none.
func (c *Config) WriteOnlyConflict() error {
	var opts []string
	for _, o := range []struct {
		set  bool
		name string
	}{
		{c.Delete || c.DeleteBefore || c.DeleteAfter || c.DeleteDelay, "--delete"},
		{c.DeleteExcluded, "--delete-excluded"},
		{c.Force, "--force"},
		{c.Existing, "--existing"},
		{c.IgnoreExisting, "--ignore-existing"},
		{c.Update, "--update"},
		{len(c.BasisDirs) > 0, basisOption(c.BasisKind)},
	} {
		if o.set {
			opts = append(opts, o.name)
		}
	}
	if len(opts) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrWriteOnly, strings.Join(opts, ", "))
}

// ErrWriteOnly refuses an option that needs to read a write-only
// destination.
var ErrWriteOnly = errors.New("ferry: the destination is write only and refuses")

// basisOption names the option of a basis kind.
func basisOption(k uint8) string {
	switch k {
	case wire.BasisCopy:
		return "--copy-dest"
	case wire.BasisLink:
		return "--link-dest"
	}
	return "--compare-dest"
}

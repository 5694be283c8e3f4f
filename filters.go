package ferry

import (
	"errors"
	"fmt"
	"os"

	"github.com/ferrysync/ferry/internal/tree"
)

// expandFilters reads, on the client, what Options.Filters name outside
// the trees: the files of merge rules (relative names from the current
// directory) and, for "-C", ~/.cvsignore and $CVSIGNORE; the peer gets
// their rules instead. A malformed rule is an error matching
// ErrBadOption; a merge file that cannot be read, its *os.PathError.
func expandFilters(rules []string) ([]string, error) {
	home, _ := os.UserHomeDir()
	out, err := tree.ExpandRules(rules, tree.ExpandEnv{Home: home, CVSIgnore: os.Getenv("CVSIGNORE")})
	if errors.Is(err, tree.ErrBadRule) || errors.Is(err, tree.ErrUnsupportedRule) {
		return nil, fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	return out, err
}

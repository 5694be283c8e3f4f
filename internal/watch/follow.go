package watch

import (
	"context"
	"path"
	"strings"

	"github.com/ferrysync/ferry/internal/session"
)

// Follow is what the server of a session runs while a watching client
// follows it (ferry watch host:src/ dst/, or a daemon module as SRC): it
// watches the directory dir, runs a full pass, then one pass per batch of
// changes, renames first, until ctx is done. operand is the session's
// source path as the client named it, which dir is on this machine: without
// a trailing slash its last name is the transfer's top directory, which
// the pass paths go under.
func Follow(dir, operand string, opts Options) session.FollowRenamesFunc {
	base := "" // pass paths are the transfer's: "src" without a slash is in it by name
	if !strings.HasSuffix(operand, "/") {
		switch b := path.Base(operand); b {
		case ".", "/", "..", "":
		default:
			base = b
		}
	}
	prefix := func(p string) string {
		if base != "" {
			return base + "/" + p
		}
		return p
	}
	return func(ctx context.Context, pass func([]string, []session.Rename) (session.Stats, error)) error {
		w, err := New(ctx, dir, opts)
		if err != nil {
			return err
		}
		defer w.Close()
		batches := Batches(ctx, w.Changes(), 0, 0)
		if _, err := pass(nil, nil); err != nil { // the watches are set: what changes from here is seen
			return err
		}
		for {
			b, ok := batches.Next(ctx)
			if !ok {
				return nil
			}
			var ps []string
			var rs []session.Rename
			if !b.Rescan && !(len(b.Paths) == 1 && b.Paths[0] == "") {
				for _, p := range b.Paths {
					ps = append(ps, prefix(p))
				}
				for _, rn := range b.Renames {
					rs = append(rs, session.Rename{Old: prefix(rn.Old), New: prefix(rn.New), Dir: rn.Dir})
				}
			}
			if _, err := pass(ps, rs); err != nil {
				return err
			}
		}
	}
}

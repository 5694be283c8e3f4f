package ferry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/ferrysync/ferry/internal/session"
)

// Limits of one pass of --files-from paths: far inside a PassBegin
// message's bounds, large enough that passes cost little.
const (
	filesFromBatch      = 4096
	filesFromBatchBytes = 256 << 10
)

// runPasses runs the passes of a one-shot sync: one over the whole tree,
// or over the -R operands' kept paths, or over the --files-from list in
// batches, and adds up their stats and failures.
func runPasses(ctx context.Context, s *Session, srcs []string, opts Options) (Stats, error) {
	switch {
	case opts.FilesFrom != nil:
		return filesFromPasses(ctx, s, opts)
	case opts.Relative:
		var paths []string
		for _, src := range srcs {
			op, err := ParseOperand(src)
			if err != nil {
				return Stats{}, err
			}
			_, rel, err := session.SplitRelative(op.Path)
			if err != nil {
				return Stats{}, fmt.Errorf("%w: %w", ErrBadOperand, err)
			}
			paths = append(paths, rel)
		}
		return s.Pass(ctx, paths)
	}
	return s.Pass(ctx, nil)
}

// filesFromPasses runs one pass per batch of the --files-from list. A line
// that is not a usable path is reported (EventFileError) and skipped, and
// makes the run partial.
func filesFromPasses(ctx context.Context, s *Session, opts Options) (Stats, error) {
	var total Stats
	var bad, errs, vanished int64
	r := bufio.NewReaderSize(opts.FilesFrom, 64<<10)
	sep := byte('\n')
	if opts.From0 {
		sep = 0
	}
	line := 0
	for done := false; !done; {
		var batch []string
		size := 0
		for len(batch) < filesFromBatch && size < filesFromBatchBytes {
			raw, err := r.ReadString(sep)
			if err != nil && !errors.Is(err, io.EOF) {
				return total, fmt.Errorf("ferry: --files-from: %w", err)
			}
			if errors.Is(err, io.EOF) {
				done = true
			}
			raw = strings.TrimSuffix(raw, string(sep))
			if raw != "" {
				line++
				p, perr := filesFromPath(raw)
				if perr != nil {
					bad++
					if opts.OnEvent != nil {
						opts.OnEvent(Event{Kind: EventFileError, Path: raw, Err: fmt.Errorf("--files-from line %d: %w", line, perr)})
					}
				} else {
					batch = append(batch, p)
					size += len(p)
				}
			}
			if done {
				break
			}
		}
		if len(batch) == 0 {
			continue
		}
		st, err := s.Pass(ctx, batch)
		var pe *PartialError
		if err != nil && !errors.As(err, &pe) {
			return addStats(total, st), err
		}
		if pe != nil {
			errs += pe.Errors
			vanished += pe.Vanished
		}
		total = addStats(total, st)
	}
	total.Errors = errs + bad
	if errs+bad > 0 {
		return total, &PartialError{Errors: errs + bad, Vanished: vanished}
	}
	return total, nil
}

// filesFromPath turns a --files-from line into a transfer path: leading
// slashes and "./" go (the list is relative to the source directory);
// ".." is refused, as is anything else that is not a valid path.
func filesFromPath(raw string) (string, error) {
	for _, c := range strings.Split(raw, "/") {
		if c == ".." {
			return "", errors.New(`".." is not allowed`)
		}
	}
	if strings.IndexByte(raw, 0) >= 0 {
		return "", errors.New("NUL in the name")
	}
	p := path.Clean("/" + raw)[1:]
	if p == "" {
		p = "."
	}
	return p, nil
}

// addStats adds the counts of b to a.
func addStats(a, b Stats) Stats {
	a.Files += b.Files
	a.RegularFiles += b.RegularFiles
	a.Dirs += b.Dirs
	a.FilesTransferred += b.FilesTransferred
	a.Created += b.Created
	a.Deleted += b.Deleted
	a.TotalSize += b.TotalSize
	a.LiteralBytes += b.LiteralBytes
	a.MatchedBytes += b.MatchedBytes
	a.BytesSent += b.BytesSent
	a.BytesReceived += b.BytesReceived
	a.DeletesSkipped += b.DeletesSkipped
	a.Errors += b.Errors
	a.Elapsed += b.Elapsed
	return a
}

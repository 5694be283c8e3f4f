package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Change is one thing that changed under the root.
type Change struct {
	// Path is slash-separated and relative to the root; "" is the root.
	Path string
	// Rescan: changes may have been missed (a queue overflow, a polled
	// directory); the tree under Path must be compared whole.
	Rescan bool
	// From, when not empty, is where Path was renamed from, inside the
	// root: the entry (with everything under it) moved, nothing else
	// changed.
	From string
	// Created: Path is new (created, or moved in from outside the root).
	Created bool
	// Dir: Path is a directory (for From and Created).
	Dir bool
}

// Watcher reports changes under a root until it is closed.
type Watcher interface {
	// Changes delivers the changes; it is closed when the watcher stops.
	Changes() <-chan Change
	// Close stops the watcher and releases its kernel resources.
	Close() error
}

// Backend names accepted by Options.Backend.
const (
	Auto     = "auto"
	Inotify  = "inotify"
	Fanotify = "fanotify"
	Poll     = "poll"
)

// Options configure New. The zero value is usable.
type Options struct {
	// Backend is Auto (""), Inotify, Fanotify or Poll.
	Backend string
	// PollInterval is the time between rescans of the poll backend, and
	// of directories the inotify backend could not watch; default 1s.
	PollInterval time.Duration
	// OnWarning receives problems that do not stop the watcher (a
	// directory that could not be watched and is polled instead).
	OnWarning func(error)

	// overflow is a test hook: each receive acts as a queue overflow.
	overflow <-chan struct{}
	// testMaxWatches, when > 0, makes inotify watches past it fail with ENOSPC.
	testMaxWatches int
}

// ErrBackend is returned by New for an unknown or unavailable backend.
var ErrBackend = errors.New("watch: backend not available")

// New starts watching the directory root. It returns once the initial
// watches are set up: every change after that is reported.
func New(ctx context.Context, root string, opts Options) (Watcher, error) {
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("watch: %s is not a directory", root)
	}
	switch opts.Backend {
	case Auto, "":
		if inotifyAvailable {
			return newInotify(ctx, root, opts)
		}
		return newPoll(ctx, root, opts), nil
	case Inotify:
		if !inotifyAvailable {
			return nil, fmt.Errorf("%w: inotify is Linux only", ErrBackend)
		}
		return newInotify(ctx, root, opts)
	case Fanotify:
		if !fanotifyAvailable {
			return nil, fmt.Errorf("%w: fanotify is Linux only", ErrBackend)
		}
		return newFanotify(ctx, root, opts)
	case Poll:
		return newPoll(ctx, root, opts), nil
	}
	return nil, fmt.Errorf("%w: %q (want auto, inotify, fanotify or poll)", ErrBackend, opts.Backend)
}

// WithOverflowHook returns opts whose watcher treats each receive from c
// as a kernel queue overflow (for tests of callers).
func WithOverflowHook(opts Options, c <-chan struct{}) Options {
	opts.overflow = c
	return opts
}

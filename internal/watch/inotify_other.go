//go:build !linux

package watch

import "context"

const (
	inotifyAvailable  = false
	fanotifyAvailable = false
)

func newInotify(context.Context, string, Options) (Watcher, error) { return nil, ErrBackend }

func newFanotify(context.Context, string, Options) (Watcher, error) { return nil, ErrBackend }

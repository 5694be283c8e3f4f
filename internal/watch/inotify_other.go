//go:build !linux

package watch

import "context"

const inotifyAvailable = false

func newInotify(context.Context, string, Options) (Watcher, error) { return nil, ErrBackend }

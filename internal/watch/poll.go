package watch

import (
	"context"
	"sync"
	"time"
)

// poller reports a rescan of the whole tree every interval.
type poller struct {
	out    chan Change
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func newPoll(ctx context.Context, opts Options) *poller {
	ctx, cancel := context.WithCancel(ctx)
	p := &poller{out: make(chan Change), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer close(p.out)
		t := time.NewTicker(opts.PollInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-opts.overflow:
			}
			select {
			case p.out <- Change{Rescan: true}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return p
}

func (p *poller) Changes() <-chan Change { return p.out }

func (p *poller) Close() error {
	p.once.Do(p.cancel)
	<-p.done
	return nil
}

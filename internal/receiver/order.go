package receiver

import (
	"sync"

	"github.com/ferrysync/ferry/internal/role"
)

// Event order. A receiver decides entries in list order, but a file's
// change is known only when its data is committed, by then on another
// goroutine and after later entries were decided. evOrder holds the change
// and deletion events back so that the user (rsync's -v and -i output, or
// the client of a daemon) sees them in list order, as rsync prints them:
// the merge reserves a place for each file it requests (and each hard link
// waiting for one), and events queue behind a place not yet filled. Errors
// are not held: like rsync's messages on stderr, they come at once.
//
// Memory stays bounded: the merge waits (waitRoom) while orderMax events
// or places are queued, which only happens while the file at the head is
// still in flight; its finishing never depends on the merge.
type evOrder struct {
	emit func(role.Event) // delivers one event; called with mu held, in order

	mu   sync.Mutex
	room sync.Cond
	q    []*evSlot          // head first
	held map[string]*evSlot // places not filled yet, by path
	dead bool               // the connection is down: nobody waits any more
}

// evSlot is one place in the order: an event, or a file's place.
type evSlot struct {
	ev     role.Event
	filled bool
	has    bool // ev is set (a failed file's place has none)
}

// orderMax bounds the events and places held back.
const orderMax = 4096

func newEvOrder(emit func(role.Event), done <-chan struct{}) *evOrder {
	o := &evOrder{emit: emit, held: map[string]*evSlot{}}
	o.room.L = &o.mu
	go func() {
		<-done
		o.mu.Lock()
		o.dead = true
		o.room.Broadcast()
		o.mu.Unlock()
	}()
	return o
}

// reserve takes a place for the change event of path, which comes later
// (deliver) or never (release).
func (o *evOrder) reserve(path string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := &evSlot{}
	o.q = append(o.q, s)
	o.held[path] = s
}

// deliver emits ev in its place: a change event for a reserved path fills
// that place; any other event queues behind what is held back, or goes out
// at once when nothing is.
func (o *evOrder) deliver(ev role.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ev.Kind == role.EventChanged {
		if s := o.held[ev.Path]; s != nil {
			delete(o.held, ev.Path)
			s.ev, s.has, s.filled = ev, true, true
			o.flush()
			return
		}
	}
	if len(o.q) == 0 {
		o.emit(ev)
		return
	}
	o.q = append(o.q, &evSlot{ev: ev, has: true, filled: true})
}

// release gives up path's place, if still reserved: its file failed (the
// error was reported) or produced no event.
func (o *evOrder) release(path string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s := o.held[path]; s != nil {
		delete(o.held, path)
		s.filled = true
		o.flush()
	}
}

// flush emits the filled places at the head of the queue.
func (o *evOrder) flush() {
	n := 0
	for n < len(o.q) && o.q[n].filled {
		if o.q[n].has {
			o.emit(o.q[n].ev)
		}
		o.q[n] = nil
		n++
	}
	if n > 0 {
		o.q = o.q[n:]
		o.room.Broadcast()
	}
}

// waitRoom waits while the queue is full (see evOrder).
func (o *evOrder) waitRoom() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.q) >= orderMax && !o.dead {
		o.room.Wait()
	}
}

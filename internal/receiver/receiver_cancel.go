package receiver

import (
	"context"

	"github.com/ferrysync/ferry/internal/wire"
)

// drainCancelled takes the rest of a cancelled pass's entry stream up to
// its end without acting on it: no request, no deletion. It returns the
// entries' credit as it goes, so that the sender (which stops walking when
// it learns of the cancel) can reach its EntriesEnd, and the next pass
// starts with the credit balanced.
func (m *merger) drainCancelled() error {
	m.ctx = context.WithoutCancel(m.ctx) // wait for the stream's end; a link going down still ends it
	for m.credited < m.taken {           // taken, then left unprocessed by the cancel
		if err := m.credit(); err != nil {
			return err
		}
	}
	for {
		it, err := m.next()
		if err != nil {
			return err
		}
		if it.end != nil {
			m.ended = true
			if m.owed > 0 {
				n := m.owed
				m.owed = 0
				return m.r.Link.Send(&wire.Credit{N: uint64(n)})
			}
			return nil
		}
		if err := m.credit(); err != nil {
			return err
		}
	}
}

package link

import (
	"errors"

	"github.com/ferrysync/ferry/internal/wire"
)

// fatalCoder is an error that says which Fatal code reports it.
type fatalCoder interface{ FatalCode() uint64 }

// FatalCode is the Fatal code telling the peer why the session failed.
func FatalCode(err error) uint64 {
	var fc fatalCoder
	switch {
	case errors.As(err, &fc):
		return fc.FatalCode()
	case errors.Is(err, ErrProtocol):
		return wire.FatalProtocol
	case errors.Is(err, ErrTimeout):
		return wire.FatalTimeout
	}
	return wire.FatalIO
}

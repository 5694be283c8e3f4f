package session

import (
	"fmt"
	"slices"

	"github.com/ferrysync/ferry/internal/wire"
)

// Capabilities this implementation offers.
const (
	CapDeltaXXH3 = "delta-xxh3"      // rolling checksum + seeded xxh3-128 block hashes
	CapBLAKE3    = "checksum-blake3" // BLAKE3-256 file sums and --checksum
	CapHardLinks = "hardlinks"
	CapNotice    = "item-notice" // Itemized may carry kind 3, a notice
)

// Software names this implementation in the Hello.
const Software = "ferry/0.1"

func localHello() *wire.Hello {
	return &wire.Hello{MinVersion: wire.Version, MaxVersion: wire.Version, Software: Software,
		Caps: []string{CapBLAKE3, CapDeltaXXH3, CapHardLinks, CapRefine, CapNotice, CapXattrs, CapSumXXH3}} // refine hook: CapRefine
}

// handshake sends our Hello while reading the peer's (concurrently, so
// neither side waits for the other's) and negotiates.
func handshake(c *conn, z *compressOffer, ho *Handoff) (caps []string, err error) {
	local := localHello()
	if testHooks.noSumXXH3 {
		local.Caps = slices.DeleteFunc(local.Caps, func(c string) bool { return c == CapSumXXH3 })
	}
	local.Caps = append(local.Caps, z.caps()...) // compress hook (compress_send.go)
	if ho != nil {                               // handoff hook (handoff.go)
		local.Caps = append(local.Caps, CapHandoff)
	}
	werr := make(chan error, 1)
	go func() { werr <- wire.WriteHello(c.fw, local) }()
	remote, rerr := wire.ReadHello(c.fr)
	if rerr != nil {
		c.tc.Close()
		<-werr
		return nil, fmt.Errorf("%w: handshake: %w", ErrProtocol, rerr)
	}
	if err := <-werr; err != nil {
		return nil, fmt.Errorf("handshake: %w", err)
	}
	_, caps, err = wire.Negotiate(local, remote)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	c.refine = slices.Contains(caps, CapRefine) // refine hook (refine_sender.go)
	c.notice = slices.Contains(caps, CapNotice)
	c.sumXXH3 = slices.Contains(caps, CapSumXXH3)
	if slices.Contains(caps, CapHandoff) {
		c.handoff = true
	}
	if err := c.negotiate(z, caps); err != nil { // compress hook (compress_send.go)
		return nil, err
	}
	return caps, nil
}

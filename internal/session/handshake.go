package session

import (
	"fmt"
	"slices"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/sender"

	"github.com/ferrysync/ferry/internal/wire"
)

// Capabilities this implementation offers.
const (
	CapDeltaXXH3 = "delta-xxh3"      // rolling checksum + seeded xxh3-128 block hashes
	CapBLAKE3    = "checksum-blake3" // BLAKE3-256 file sums and --checksum
	CapHardLinks = "hardlinks"
	CapNotice    = "item-notice" // Itemized may carry kind 3, a notice
	// CapPassCancel: a pass can be cancelled alone (PassCancel), the
	// session going on.
	CapPassCancel = "pass-cancel"
	// CapRename: a pass may begin with renames done by the receiver
	// (wire.Rename, wire.RenameFailed).
	CapRename = "rename"
	// CapPassRoot: a PassBegin may ask for the transfer root's entry
	// ahead of its paths (wire.PassBegin.Root).
	CapPassRoot = "pass-root"
)

// Release is ferry's release number; a release build sets it with -ldflags
// "-X github.com/ferrysync/ferry/internal/session.Release=...".
var Release = "0.10.0"

// Software names this implementation in the Hello: "ferry/" and the release.
func Software() string { return "ferry/" + Release }

func localHello() *wire.Hello {
	return &wire.Hello{MinVersion: wire.Version, MaxVersion: wire.Version, Software: Software(),
		Caps: []string{CapBLAKE3, CapDeltaXXH3, CapHardLinks, sender.CapRefine, CapNotice, role.CapXattrs, role.CapSumXXH3, CapPassCancel, CapServerPass, CapRename, CapPassRoot}} // refine hook: CapRefine
}

// handshake sends our Hello while reading the peer's (concurrently, so
// neither side waits for the other's) and negotiates.
//
// A server that starts no passes (no Follow) calls it with noServerPass:
// it does not offer server-pass, so a client's Follow is refused at once
// (ErrNoServerPass) instead of ending the session.
func handshake(c *link.Link, z *link.CompressOffer, ho *Handoff, noServerPass bool) (caps []string, err error) {
	local := localHello()
	if role.TestHooks.NoSumXXH3 {
		local.Caps = slices.DeleteFunc(local.Caps, func(c string) bool { return c == role.CapSumXXH3 })
	}
	if noServerPass {
		local.Caps = slices.DeleteFunc(local.Caps, func(c string) bool { return c == CapServerPass })
	}
	local.Caps = append(local.Caps, z.Caps()...) // compress hook (internal/link/compress_send.go)
	if ho != nil {                               // handoff hook (internal/role/handoff.go)
		local.Caps = append(local.Caps, role.CapHandoff)
	}
	werr := make(chan error, 1)
	go func() { werr <- wire.WriteHello(c.FrameWriter, local) }()
	remote, rerr := wire.ReadHello(c.FrameReader)
	if rerr != nil {
		c.Conn.Close()
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
	c.Caps.Refine = slices.Contains(caps, sender.CapRefine) // refine hook (internal/sender/refine_sender.go)
	c.Caps.Notice = slices.Contains(caps, CapNotice)
	c.Caps.SumXXH3 = slices.Contains(caps, role.CapSumXXH3)
	c.Caps.PassCancel = slices.Contains(caps, CapPassCancel)
	c.Caps.ServerPass = slices.Contains(caps, CapServerPass)
	c.Caps.Rename = slices.Contains(caps, CapRename)
	c.Caps.PassRoot = slices.Contains(caps, CapPassRoot)
	if slices.Contains(caps, role.CapHandoff) {
		c.Caps.Handoff = true
	}
	if err := c.Negotiate(z, caps); err != nil { // compress hook (internal/link/compress_send.go)
		return nil, err
	}
	return caps, nil
}

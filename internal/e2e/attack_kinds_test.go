package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/wire"
)

// attackers is how many attacking addresses hold connections at once: 7
// of them at the per-host limit (8) stay under max_connections (64), which
// leaves room for the normal client.
const attackers = 7

// attacks are the attacks of issue 11, each as its hostile clients.
var attacks = []struct {
	name string
	run  attackFunc
}{
	{"pre-HELLO: 210 silent connections", attackPreHello},
	{"idle: 210 opened sessions, then silent", attackIdle},
	{"fds: 56 pulls of 1,024 '.' operands, unread", attackOperands},
	{"memory: 7 x 64 MiB of 1-byte SigBlocks", attackSigBlocks},
	{"memory: 7 pushes of 60 KiB entries, unanswered", attackEntryWindow},
	{"CPU: RefineSig of 2,000 regions, repeated", attackRefine},
	{"CPU: password guessing from 7 hosts", attackLogins},
}

// eachAttacker runs f for attackers x per connections, from attackerAddr,
// in goroutines of s.
func eachAttacker(s *swarm, per int, f func(local string)) {
	for i := range attackers * per {
		s.wg.Go(func() { f(attackerAddr(i)) })
	}
}

func attackPreHello(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	eachAttacker(s, 30, func(local string) {
		if c, err := dialFrom(ctx, local, d.addr); err == nil {
			s.hold(c)
		}
	})
	s.wg.Wait() // dials only: they all return at once
	return s.stop
}

func attackIdle(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	eachAttacker(s, 30, func(local string) {
		raw, err := dialFrom(ctx, local, d.addr)
		if err != nil {
			return
		}
		s.hold(raw)
		if cl, err := daemon.NewClient(ctx, raw, "hostile", time.Now().Add(10*time.Second)); err == nil {
			cl.Open(ctx, daemon.OpenOptions{Module: "pub", Role: daemon.RoleSender})
		}
	})
	s.wg.Wait()
	return s.stop
}

func attackOperands(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	dots := make([]string, wire.MaxRunSources)
	for i := range dots {
		dots[i] = "."
	}
	eachAttacker(s, 8, func(local string) {
		h, err := openHostile(ctx, local, d.addr, "pub", daemon.RoleSender,
			&wire.Run{Role: wire.RoleSender, Paths: dots, Flags: wire.FlagRecursive, Seed: 1})
		if err != nil {
			return
		}
		s.hold(h)
		h.send(&wire.Credit{N: 1000}, &wire.PassBegin{Pass: 0}) // then never read
		s.add(h.n)
	})
	s.wg.Wait()
	return s.stop
}

func attackSigBlocks(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	const per, frames = 200_000, 64 // 5 bytes a block: 1 MiB a frame
	blocks := make([]wire.Block, per)
	strong := make([]byte, per)
	for i := range blocks {
		blocks[i] = wire.Block{Weak: uint32(i), Strong: strong[i : i+1]}
	}
	eachAttacker(s, 1, func(local string) {
		h, err := openHostile(ctx, local, d.addr, "pub", daemon.RoleSender,
			&wire.Run{Role: wire.RoleSender, Paths: []string{"./"}, Flags: wire.FlagRecursive, Seed: 1})
		if err != nil {
			return
		}
		s.hold(h)
		defer func() { s.add(h.n) }()
		if h.send(&wire.Credit{N: 1000}, &wire.PassBegin{Pass: 0}) != nil {
			return
		}
		if _, err := h.until(func(m wire.Message) bool { _, ok := m.(*wire.EntriesEnd); return ok }); err != nil {
			return
		}
		if h.send(&wire.FileRequest{ID: 1, Path: "f000", Flags: wire.ReqBasis, BlockLen: 1, StrongLen: 1,
			BlockCount: per*frames + 1, BasisSize: per*frames + 1}) != nil {
			return
		}
		for range frames {
			if h.send(&wire.SigBlocks{ID: 1, StrongLen: 1, Blocks: blocks}) != nil {
				return
			}
		}
	})
	s.wg.Wait()
	return s.stop
}

func attackEntryWindow(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	target := strings.Repeat("t", 60<<10)
	eachAttacker(s, 1, func(local string) {
		h, err := openHostile(ctx, local, d.addr, "up", daemon.RoleReceiver,
			&wire.Run{Role: wire.RoleReceiver, Paths: []string{"."}, Flags: wire.FlagRecursive | wire.FlagLinks, Seed: 1})
		if err != nil {
			return
		}
		s.hold(h)
		defer func() { s.add(h.n) }()
		es := []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}}
		for i := range 300 {
			es = append(es, wire.Entry{Path: fmt.Sprintf("n%04d", i), Type: 1, Mode: 0o644, Size: 1})
		}
		if h.send(&wire.PassBegin{Pass: 0}, &wire.Entries{Entries: es}) != nil {
			return
		}
		for i := range 2000 { // until the daemon cuts the session off
			e := wire.Entry{Path: fmt.Sprintf("o%04d", i), Type: 3, Mode: 0o777, LinkTarget: target}
			if h.send(&wire.Entries{Entries: []wire.Entry{e}}) != nil {
				return
			}
		}
	})
	s.wg.Wait()
	return s.stop
}

// attackRefine pushes a file with a basis and answers the daemon's request
// with a RefineSig asking for scans over the whole basis, again and again
// from every attacker until stopped.
func attackRefine(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	const size = 8 << 20
	rg := wire.RefineRegion{BlockLen: 64 << 10, Hints: []wire.RefineRange{{Off: 0, Len: 3 * 64 << 10}}, Weak: []uint32{1}, Strong: []byte{1}}
	regions := make([]wire.RefineRegion, 2000)
	for i := range regions {
		regions[i] = rg
	}
	stopped := make(chan struct{})
	eachAttacker(s, 1, func(local string) {
		for {
			select {
			case <-stopped:
				return
			default:
			}
			h, err := openHostile(ctx, local, d.addr, "up", daemon.RoleReceiver,
				&wire.Run{Role: wire.RoleReceiver, Paths: []string{"."}, Flags: wire.FlagRecursive, Seed: 1})
			if err != nil {
				return
			}
			s.hold(h)
			if h.send(&wire.PassBegin{Pass: 0},
				&wire.Entries{Entries: []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}, {Path: "f", Type: 1, Mode: 0o644, Size: size, MTime: 1}}},
				&wire.EntriesEnd{Pass: 0}) == nil {
				m, err := h.until(func(m wire.Message) bool { _, ok := m.(*wire.FileRequest); return ok })
				if err == nil {
					h.send(&wire.RefineSig{ID: m.(*wire.FileRequest).ID, StrongLen: 1, Regions: regions})
					h.until(func(m wire.Message) bool { _, ok := m.(*wire.Fatal); return ok })
				}
			}
			h.Close()
			s.add(h.n)
		}
	})
	return func() int64 {
		close(stopped)
		return s.stop()
	}
}

// attackLogins guesses alice's password on the sec module from every
// attacker address until stopped.
func attackLogins(t *testing.T, ctx context.Context, d *tableDaemon) func() int64 {
	s := &swarm{}
	stopped := make(chan struct{})
	eachAttacker(s, 1, func(local string) {
		for {
			select {
			case <-stopped:
				return
			default:
			}
			raw, err := dialFrom(ctx, local, d.addr)
			if err != nil {
				return
			}
			s.hold(raw)
			if cl, err := daemon.NewClient(ctx, raw, "hostile", time.Now().Add(10*time.Second)); err == nil {
				cl.Open(ctx, daemon.OpenOptions{Module: "sec", Role: daemon.RoleSender, User: "alice", Password: rand.Text()})
			}
			raw.Close()
		}
	})
	return func() int64 {
		close(stopped)
		return s.stop()
	}
}

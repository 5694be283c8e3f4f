package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ferrysync/ferry/internal/swarm"
	"github.com/ferrysync/ferry/internal/tree"
)

// swarmService holds the stores of a daemon's swarm modules and runs the
// mirrors' refresh loops (docs/DAEMON.md §11).
type swarmService struct {
	stores     map[string]swarm.Store
	mirrors    map[string]*swarm.Mirror
	registries map[string]*swarm.Registry // origins with mirror_secrets_file
	once       sync.Once
	kick       chan struct{} // RefreshMirrorsNow: refresh every mirror at once
}

func newSwarmService(cfg *Config, log *slog.Logger) (*swarmService, error) {
	sv := &swarmService{stores: map[string]swarm.Store{}, mirrors: map[string]*swarm.Mirror{},
		registries: map[string]*swarm.Registry{}}
	for _, name := range sortedNames(cfg.Modules) {
		m := cfg.Modules[name]
		if !m.Swarm {
			continue
		}
		if m.swarmPriv != nil {
			o, err := swarm.NewOrigin(m.Name, m.Path, m.swarmPriv, m.SwarmCache)
			if err != nil {
				return nil, fmt.Errorf("module %s: %w", m.Name, err)
			}
			sv.stores[name] = o
			if m.MirrorSecretsFile != "" {
				sv.registries[name] = swarm.NewRegistry(nil, 0)
			}
			log.Info("swarm origin", "module", name, "key", swarm.FormatKey(m.swarmPub))
			continue
		}
		mi, err := swarm.NewMirror(m.Path, m.swarmPub, m.SwarmCache)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name, err)
		}
		sv.stores[name], sv.mirrors[name] = mi, mi
	}
	sv.kick = make(chan struct{}, max(1, len(sv.mirrors)))
	return sv, nil
}

// start runs each mirror's refresh loop until ctx ends (once per Server).
func (s *Server) startMirrors(ctx context.Context) {
	s.swarm.once.Do(func() {
		for name, mi := range s.swarm.mirrors {
			m := s.cfg.Modules[name]
			s.wg.Go(func() { s.mirrorLoop(ctx, m, mi) })
		}
	})
}

// mirrorRetry is the first wait after a failed mirror refresh; it
// doubles up to mirror_interval.
var mirrorRetry = time.Second

// mirrorLoop refreshes a mirror now and every mirror_interval; after a
// failure, sooner (mirrorRetry, doubling up to the interval).
func (s *Server) mirrorLoop(ctx context.Context, m *Module, mi *swarm.Mirror) {
	log := s.log.With("module", m.Name, "origin", m.MirrorOf)
	interval := time.Duration(m.MirrorInterval)
	retry := mirrorRetry
	for {
		wait := interval
		if g, err := s.refreshMirror(ctx, m, mi); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Warn("mirror refresh", "err", err, "retry_in", min(retry, interval).String())
			// An origin that is down (or not up yet) is asked again
			// soon, then less and less often, up to the interval.
			wait, retry = min(retry, interval), min(2*retry, interval)
		} else {
			log.Info("mirror refresh", "generation", fmt.Sprintf("%x", g.ID[:8]))
			retry = mirrorRetry
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-s.swarm.kick:
		}
	}
}

// RefreshMirrorsNow makes the mirrors' refresh loops run now instead of
// at their next interval ("on demand": ferry serve does it on SIGUSR1).
func (s *Server) RefreshMirrorsNow() {
	for range s.swarm.mirrors {
		select {
		case s.swarm.kick <- struct{}{}:
		default:
		}
	}
}

// RefreshMirror brings module's mirror to its origin's current generation
// when its tree holds it (tests, and "on demand").
func (s *Server) RefreshMirror(ctx context.Context, module string) error {
	mi := s.swarm.mirrors[module]
	if mi == nil {
		return fmt.Errorf("module %s is not a swarm mirror", module)
	}
	_, err := s.refreshMirror(ctx, s.cfg.Modules[module], mi)
	return err
}

// refreshMirror is refreshMirrorSync, syncing the tree when needed.
func (s *Server) refreshMirror(ctx context.Context, m *Module, mi *swarm.Mirror) (swarm.Generation, error) {
	return s.refreshMirrorSync(ctx, m, mi, m.syncsTree())
}

// refreshMirrorSync drops the current generation if the tree left it,
// asks the origin for its generation and, when new, fetches the manifest
// and adopts it if the tree matches; otherwise, with sync, it fetches the
// tree first (syncMirrorTree), else returns ErrTreeDiffers.
func (s *Server) refreshMirrorSync(ctx context.Context, m *Module, mi *swarm.Mirror, sync bool) (swarm.Generation, error) {
	mi.Recheck(ctx)
	conn, err := DialSwarm(ctx, m.mirrorOf, DialOptions{TLS: m.mirrorOf.TLS, Fingerprint: m.MirrorTLSFingerprint}, OpenOptions{})
	if err != nil {
		return swarm.Generation{}, err
	}
	defer conn.Close()
	cl, err := swarm.NewClient(ctx, conn)
	if err != nil {
		return swarm.Generation{}, err
	}
	if cur, _ := mi.Current(ctx); cur.ID == cl.Info.Generation {
		return cur, registerMirror(ctx, m, cl, cur.ID)
	}
	f, err := os.CreateTemp(m.SwarmCache, ".fetch-*")
	if err != nil {
		return swarm.Generation{}, err
	}
	defer os.Remove(f.Name())
	_, err = cl.Manifest(ctx, cl.Info.Generation, f, 16<<30)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return swarm.Generation{}, err
	}
	g, err := mi.Adopt(ctx, f.Name())
	if errors.Is(err, swarm.ErrTreeDiffers) && sync {
		// Bring the tree to the origin's generation, then adopt (once:
		// an origin changing meanwhile waits for the next refresh).
		conn.Close()
		if err = s.syncMirrorTree(ctx, m, mi); err == nil {
			return s.refreshMirrorSync(ctx, m, mi, false)
		}
	}
	if err != nil {
		// Still listed for the generation it holds, if any.
		if cur, _ := mi.Current(ctx); cur.ID != (swarm.Hash{}) {
			registerMirror(ctx, m, cl, cur.ID)
		}
		return g, err
	}
	return g, registerMirror(ctx, m, cl, g.ID)
}

// syncMirrorTree fetches the origin's current tree into mirror m's path
// with a swarm fetch (the origin and the mirrors it nominates, every chunk
// verified against the origin's key). Entries the origin no longer has
// are deleted once everything was fetched and verified (nothing when a
// file failed), except the manifest cache when it lies inside the tree.
func (s *Server) syncMirrorTree(ctx context.Context, m *Module, mi *swarm.Mirror) error {
	var protect *tree.Filter
	if rel, err := filepath.Rel(m.Path, m.SwarmCache); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		if protect, err = tree.ParseSideFilter([]string{"P /" + filepath.ToSlash(rel)}, tree.SideReceiver, false); err != nil {
			return err
		}
	}
	res, err := swarm.Fetch(ctx, swarm.FetchOptions{
		Delete: true, Protect: protect,
		// Owners as a root daemon's normal sync keeps them; devices and
		// specials are not made: a mirror serves chunks.
		Owner: os.Geteuid() == 0, Group: true,
		Origin: m.MirrorOf, Key: mi.Key(), Dest: m.Path, SpoolDir: m.SwarmCache, Timeout: time.Duration(m.Timeout),
		Dial: func(ctx context.Context, name string) (net.Conn, error) {
			t, err := ParseTarget(name)
			if err != nil {
				return nil, err
			}
			if !t.PortSet {
				t.Port = DefaultPort
				if t.TLS {
					t.Port = DefaultTLSPort
				}
			}
			o := DialOptions{TLS: t.TLS}
			if t.Addr() == m.mirrorOf.Addr() {
				o.Fingerprint = m.MirrorTLSFingerprint // the origin's pinned certificate
			}
			return DialSwarm(ctx, t, o, OpenOptions{})
		},
	})
	if err == nil && len(res.FileErrors) > 0 {
		err = fmt.Errorf("%d files failed, first: %w", len(res.FileErrors), res.FileErrors[0])
	}
	if err != nil {
		return fmt.Errorf("sync from %s: %w", m.MirrorOf, err)
	}
	s.log.Info("mirror synced", "module", m.Name, "files", res.FilesFetched, "bytes", res.BytesFetched,
		"reused", res.BytesReused, "deleted", res.Deleted)
	return nil
}

// DialSwarm opens the swarm service of t's module: a connection after
// READY, for swarm.NewClient.
func DialSwarm(ctx context.Context, t Target, o DialOptions, oo OpenOptions) (net.Conn, error) {
	c, err := Dial(ctx, t.Addr(), o)
	if err != nil {
		return nil, err
	}
	oo.Module, oo.Role = t.Module, RoleSwarm
	conn, flags, err := c.Open(ctx, oo)
	if err != nil {
		return nil, err
	}
	if flags&FlagSwarm == 0 {
		conn.Close()
		return nil, fmt.Errorf("%w: module %s does not serve swarm", ErrProtocol, t.Module)
	}
	return conn, nil
}

// serveSwarm serves an opened swarm module on the connection (after
// READY): manifests and chunks read through root, paced by bwlimit.
func (c *serverConn) serveSwarm(ctx context.Context, m *Module, root *os.Root, log *slog.Logger) {
	ic := newIdleConn(c.conn, time.Duration(m.Timeout), c.s.rateGuard())
	start := time.Now()
	so := swarm.ServeOptions{Store: c.s.swarm.stores[m.Name], Root: root}
	if reg := c.s.swarm.registries[m.Name]; reg != nil {
		so.Registry, so.Authorize = reg, c.s.authorizer(ctx, m)
	}
	err := swarm.Serve(ctx, paced(ic, m.BWLimit), so)
	args := []any{"bytes_in", ic.read.Load(), "bytes_out", ic.written.Load(),
		"duration", time.Since(start).Round(time.Millisecond).String()}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		args = append(args, "err", err.Error())
	}
	log.Info("swarm", args...)
}

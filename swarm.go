package ferry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/swarm"
	"github.com/ferrysync/ferry/internal/tree"
)

// SwarmOptions configure SwarmFetch.
type SwarmOptions struct {
	// Key is the origin's public key, "ed25519:" and 64 hex digits, as
	// the origin daemon logs it (--swarm-key). Without it, an origin
	// reached over TLS (ferrys://, verified) is trusted to tell its key.
	Key string
	// Mirrors are ferry:// or ferrys:// addresses of mirror modules
	// (--mirror); those not at the origin's generation are not used.
	Mirrors []string
	// Timeout drops a source silent this long while requests are in
	// flight (0: Options.Timeout, or 60s).
	Timeout time.Duration
	// Progress, if set, is called about twice a second with each
	// source's bytes and rate.
	Progress func(SwarmProgress)
	// TrustOrigin: without Key, use the key the origin tells even over
	// plain TCP. The manifest still comes from the origin itself, so the
	// fetch trusts the origin exactly as a normal sync from it would, and
	// every mirror's chunk is verified against what the origin signed
	// (swarm by default, where no key was pinned).
	TrustOrigin bool
	// OnDelete, if set, is told each extraneous path removed (with
	// Options.Delete: after every file was fetched and verified).
	OnDelete func(path string)
}

// ErrSwarmOffered ends a pull with Options.PreferSwarm from a module that
// offers the swarm service, before its session: run SwarmFetch instead.
var ErrSwarmOffered = errors.New("ferry: the module offers the swarm service")

// ErrSwarmStale: the swarm origin has no manifest yet (it is being built).
var ErrSwarmStale = swarm.ErrStale

// ErrSwarmVersion: the origin's manifest is of a format newer than this
// ferry reads (it also matches ErrProtocol). Nothing was written.
var ErrSwarmVersion = swarm.ErrVersion

// SwarmProgress is a snapshot of a swarm fetch.
type SwarmProgress = swarm.Progress

// SwarmResult reports a swarm fetch: per-source chunks, bytes and rates,
// files fetched, kept and failed.
type SwarmResult = swarm.Result

// SwarmFetch makes the local directory dst a copy of the daemon module
// src (ferry://host/module/, or a path in it: ferry://host/module/sub/dir/
// puts the directory's contents in dst, ferry://host/module/sub/dir the
// directory itself, as the normal sync), fetching chunks from the origin and the
// mirrors at once, each verified against the origin's signed manifest
// (docs/DAEMON.md §11). Files that could not be completed are in the
// result's FileErrors, and the error matches ErrPartial.
func SwarmFetch(ctx context.Context, src, dst string, so SwarmOptions, opts Options) (*SwarmResult, error) {
	origin, err := daemon.ParseTarget(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadOperand, err)
	}
	if origin.Module == "" {
		return nil, fmt.Errorf("%w: %s: a swarm source is a module or a path in one (ferry://host/module/[path])", ErrBadOperand, src)
	}
	// A path inside the module selects entries of the module's manifest;
	// sources are dialled by the module's address.
	sub := origin.Path
	src = strings.TrimSuffix(src, sub)
	fo := swarm.FetchOptions{Origin: src, Sub: sub, Mirrors: so.Mirrors, Dest: dst, Timeout: so.Timeout, Progress: so.Progress,
		Delete: opts.Delete, OnDelete: so.OnDelete, DryRun: opts.DryRun,
		Owner: opts.Owner, Group: opts.Group, NumericIDs: opts.NumericIDs, Devices: opts.Devices, Specials: opts.Specials}
	if opts.DryRun && opts.OnEvent != nil {
		// What would change, as the normal sync's dry run reports it.
		fo.OnChange = func(p, item string) {
			if item == "" {
				opts.OnEvent(Event{Kind: EventDelete, Path: p})
				return
			}
			opts.OnEvent(Event{Kind: EventFileDone, Path: p, Itemize: item})
		}
	}
	if fo.Timeout == 0 {
		fo.Timeout = opts.Timeout
	}
	if so.Key != "" {
		if fo.Key, err = swarm.ParseKey(so.Key); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadOption, err)
		}
	} else if origin.TLS || so.TrustOrigin {
		fo.TrustOriginKey = true
	} else {
		return nil, fmt.Errorf("%w: %w", ErrBadOption, swarm.ErrNoKey)
	}
	for _, m := range so.Mirrors {
		if _, err := swarmTarget(m); err != nil {
			return nil, fmt.Errorf("--mirror: %w", err)
		}
	}
	if fo.Filter, fo.Protect, err = swarmFilters(opts); err != nil {
		return nil, err
	}
	fo.Dial = swarmDialer(opts)
	res, err := swarm.Fetch(ctx, fo)
	switch {
	case errors.Is(err, swarm.ErrSignature), errors.Is(err, swarm.ErrWrongKey), errors.Is(err, swarm.ErrManifest),
		errors.Is(err, swarm.ErrProtocol):
		return res, fmt.Errorf("%w: %w", ErrProtocol, err)
	case err != nil:
		return res, err
	case len(res.FileErrors) > 0:
		return res, fmt.Errorf("%w: %d files failed", ErrPartial, len(res.FileErrors))
	}
	return res, nil
}

// SwarmMirror is a live mirror an origin lists.
type SwarmMirror = swarm.MirrorInfo

// SwarmMirrors returns the origin module src's current generation and its
// live registered mirrors (--mirrors), those at that generation first.
func SwarmMirrors(ctx context.Context, src string, opts Options) ([32]byte, []SwarmMirror, error) {
	conn, err := swarmDialer(opts)(ctx, src)
	if err != nil {
		return [32]byte{}, nil, err
	}
	defer conn.Close()
	cl, err := swarm.NewClient(ctx, conn)
	if err != nil {
		return [32]byte{}, nil, err
	}
	ms, err := cl.Mirrors(ctx, swarm.Hash{})
	return cl.Info.Generation, ms, err
}

// swarmDialer opens swarm services named by ferry:// addresses, with
// opts' TLS, port and password settings.
func swarmDialer(opts Options) func(ctx context.Context, name string) (net.Conn, error) {
	return func(ctx context.Context, name string) (net.Conn, error) {
		t, err := swarmTarget(name)
		if err != nil {
			return nil, err
		}
		op := Operand{Kind: Daemon, User: t.User, Host: t.Host, Port: t.Port, PortSet: t.PortSet, TLS: t.TLS}
		op = defaultPort(op, opts)
		t.Port = op.Port
		if t.Port == 0 {
			t.Port = daemon.DefaultPort
			if t.TLS {
				t.Port = daemon.DefaultTLSPort
			}
		}
		oo := daemon.OpenOptions{User: t.User}
		if t.User != "" {
			pw, err := daemon.Password(opts.PasswordFile)
			if err != nil && !errors.Is(err, daemon.ErrNoPassword) {
				return nil, err
			}
			oo.Password = pw
		}
		conn, err := daemon.DialSwarm(ctx, t, daemonDialOptions(op, opts), oo)
		if err != nil {
			return nil, daemonRefusal(op, opts, err)
		}
		return conn, nil
	}
}

// swarmTarget parses a swarm source: a daemon module with no path.
func swarmTarget(s string) (daemon.Target, error) {
	t, err := daemon.ParseTarget(s)
	if err != nil {
		return t, fmt.Errorf("%w: %w", ErrBadOperand, err)
	}
	if t.Module == "" || t.Path != "" {
		return t, fmt.Errorf("%w: %s: a swarm source is a whole module (ferry://host/module/)", ErrBadOperand, s)
	}
	return t, nil
}

// ErrSwarmDirMerge refuses per-directory merge rules (":", -F, -C) on the
// swarm path: they name files of the origin's tree, which the client does
// not read.
var ErrSwarmDirMerge = errors.New("per-directory merge filter rules (dir-merge, -F, -C) are not supported by a swarm fetch")

// swarmFilters compiles opts' filter rules for a swarm fetch: the
// sender's rules select manifest entries, the receiver's protect
// destination entries from --delete.
func swarmFilters(opts Options) (filter, protect *tree.Filter, err error) {
	if len(opts.Filters) == 0 {
		return nil, nil, nil
	}
	rules, err := expandFilters(opts.Filters)
	if err != nil {
		return nil, nil, err
	}
	if filter, err = tree.ParseSideFilter(rules, tree.SideSender, opts.DeleteExcluded); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if protect, err = tree.ParseSideFilter(rules, tree.SideReceiver, opts.DeleteExcluded); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if filter.HasDirMerge() || protect.HasDirMerge() {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadOption, ErrSwarmDirMerge)
	}
	return filter, protect, nil
}

// SwarmFiltersSupported reports whether a swarm fetch can apply opts'
// filter rules (no per-directory merge rules; malformed rules are left to
// the run to report).
func SwarmFiltersSupported(opts Options) bool {
	_, _, err := swarmFilters(opts)
	return !errors.Is(err, ErrSwarmDirMerge)
}

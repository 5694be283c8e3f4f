package ferry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/swarm"
)

// SeedOptions configure SwarmSeed.
type SeedOptions struct {
	// Listen is the address to serve on ("host:port"; --seed).
	Listen string
	// Address is what other clients dial (default ferry://LISTEN/MODULE;
	// --seed-address).
	Address string
	// Time is how long to seed (0: until ctx ends; --seed-time).
	Time time.Duration
	// Key is the origin's public key (as SwarmOptions.Key; required).
	Key string
	// UntilDone stops the seed once no other client is fetching its
	// generation from the origin (--seed-until-done): the origin is
	// asked every Poll (0: 5 s), and two answers of none in a row end
	// it; Time still bounds it. An origin that does not count fetchers
	// leaves the seed to Time.
	UntilDone bool
	// Generation is the generation dir holds (SwarmResult.Generation);
	// zero: the origin's current one when the seed starts.
	Generation [32]byte
	// Poll is how often UntilDone asks the origin (0: 5 s).
	Poll time.Duration
	// Ready, if set, is called once the seed serves and is registered.
	Ready func(address string)
	// Log receives the seed daemon's records (nil: none).
	Log *slog.Logger
}

// SwarmSeed serves dir, a complete copy of the origin module src (after
// SwarmFetch), as a short-lived mirror: a ferry daemon on so.Listen with
// one swarm module that adopts the origin's current manifest (when dir
// still matches it) and registers with the origin for a short TTL, as the
// user of src's address (ferry://USER@origin/module, password from
// Options.PasswordFile or FERRY_PASSWORD), renewing it until so.Time ends.
func SwarmSeed(ctx context.Context, src, dir string, so SeedOptions, opts Options) error {
	t, err := swarmTarget(src)
	if err != nil {
		return err
	}
	if t.User == "" {
		return fmt.Errorf("%w: --seed registers with the origin: give its user in %s (ferry://USER@host/module)", ErrBadOption, src)
	}
	pub, err := swarm.ParseKey(so.Key)
	if err != nil {
		return fmt.Errorf("%w: --seed needs the origin's key: %w", ErrBadOption, err)
	}
	password, err := daemon.Password(opts.PasswordFile)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if so.Address == "" {
		so.Address = "ferry://" + so.Listen + "/" + t.Module
	}
	tmp, err := os.MkdirTemp("", "ferry-seed-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pwFile := filepath.Join(tmp, "password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	if t.Port == 0 {
		t.Port = daemon.DefaultPort
		if t.TLS {
			t.Port = daemon.DefaultTLSPort
		}
	}
	origin := "ferry://" + t.Addr() + "/" + t.Module
	if t.TLS {
		origin = "ferrys://" + t.Addr() + "/" + t.Module
	}
	// Renew every 20 s for 60 s: a seed that stops leaves the list soon.
	cfgText := fmt.Sprintf(`listen = [%s]
allow_plain = true
[module.%s]
path = %s
swarm = true
mirror_of = %s
swarm_origin_key = %s
swarm_cache = %s
mirror_interval = "20s"
mirror_ttl = "60s"
mirror_address = %s
mirror_user = %s
mirror_password_file = %s
`, strconv.Quote(so.Listen), t.Module, strconv.Quote(abs), strconv.Quote(origin), strconv.Quote(swarm.FormatKey(pub)),
		strconv.Quote(filepath.Join(tmp, "cache")), strconv.Quote(so.Address), strconv.Quote(t.User), strconv.Quote(pwFile))
	cfg, err := daemon.ParseConfig([]byte(cfgText), "")
	if err != nil {
		return fmt.Errorf("%w: --seed: %w", ErrBadOption, err)
	}
	logger := so.Log
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := daemon.NewServer(cfg, daemon.Options{Handler: daemon.SessionHandler(), Logger: logger})
	if err != nil {
		return err
	}
	var cancel context.CancelFunc
	if so.Time > 0 {
		ctx, cancel = context.WithTimeout(ctx, so.Time)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	lns, err := srv.Listen(ctx)
	if err != nil {
		return err
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func(ln net.Listener) { errc <- srv.Serve(ctx, ln) }(ln)
	}
	rerr := srv.RefreshMirror(ctx, t.Module)
	if rerr == nil && so.Ready != nil {
		so.Ready(so.Address)
	}
	if rerr == nil && so.UntilDone {
		go func() {
			seedUntilDone(ctx, src, so, opts, logger)
			cancel()
		}()
	}
	if rerr != nil {
		cancel()
	}
	for range lns {
		if err := <-errc; err != nil && rerr == nil && ctx.Err() == nil {
			rerr = err
		}
	}
	if rerr != nil {
		return fmt.Errorf("seed: %w", rerr)
	}
	return nil
}

// seedUntilDone returns when no client is fetching so.Generation from the
// origin src (two answers of none in a row, so.Poll apart), or when ctx
// ends; it keeps the seed up (waiting for ctx) while the origin cannot
// tell.
func seedUntilDone(ctx context.Context, src string, so SeedOptions, opts Options, log *slog.Logger) {
	poll := so.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	gen := swarm.Hash(so.Generation)
	idle := 0
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := swarmFetchers(ctx, src, &gen, opts)
		switch {
		case errors.Is(err, swarm.ErrRefused):
			log.Warn("seed: the origin does not count fetchers; seeding until --seed-time ends", "origin", src)
			<-ctx.Done()
			return
		case err != nil:
			log.Warn("seed: asking the origin for its fetchers", "origin", src, "err", err)
			idle = 0
			continue
		}
		log.Debug("seed: fetchers", "origin", src, "n", n)
		if n > 0 {
			idle = 0
			continue
		}
		if idle++; idle == 2 {
			log.Info("seed: no client is fetching; stopping", "origin", src)
			return
		}
	}
}

// swarmFetchers asks the origin src how many clients fetch *gen (zero:
// its current generation, which is stored in *gen).
func swarmFetchers(ctx context.Context, src string, gen *swarm.Hash, opts Options) (int, error) {
	conn, err := swarmDialer(opts)(ctx, src)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	cl, err := swarm.NewClient(ctx, conn)
	if err != nil {
		return 0, err
	}
	if *gen == (swarm.Hash{}) {
		*gen = cl.Info.Generation
	}
	return cl.Fetchers(ctx, *gen)
}

package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ferrysync/ferry"
	"github.com/spf13/pflag"
)

// swarmFlags are the many-source options (docs/DAEMON.md §11).
type swarmFlags struct {
	on       bool     // --swarm
	off      bool     // --no-swarm
	mirrors  []string // --mirror URL, repeatable
	key      string   // --swarm-key ed25519:HEX
	list     bool     // --mirrors: list the origin's live mirrors
	seed     string   // --seed ADDR: serve what was fetched
	seedAt   string   // --seed-address URL
	seedFor  time.Duration
	seedDone bool // --seed-until-done
}

func (o *syncOptions) addSwarmFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.swarm.on, "swarm", false, "fetch a daemon module from its origin and mirrors at once, every chunk verified against the origin's signed manifest (the default for a module that offers it; this forces it)")
	fs.BoolVar(&o.swarm.off, "no-swarm", false, "pull a daemon module with the normal sync even when it offers the swarm service")
	fs.StringArrayVar(&o.swarm.mirrors, "mirror", nil, "with --swarm, also fetch from the mirror module at `URL` (ferry://host/module; repeatable)")
	fs.StringVar(&o.swarm.seed, "seed", "", "with --swarm, then serve the fetched tree on `ADDR` (host:port) to other clients, registered with the origin as a short-lived mirror (as the user of SRC's address)")
	fs.StringVar(&o.swarm.seedAt, "seed-address", "", "with --seed, the `URL` other clients reach the seed at (default ferry://ADDR/MODULE)")
	fs.DurationVar(&o.swarm.seedFor, "seed-time", 10*time.Minute, "with --seed, seed for `DURATION` (0: until interrupted)")
	fs.BoolVar(&o.swarm.seedDone, "seed-until-done", false, "with --seed, stop seeding once no other client is fetching the same generation from the origin (asked every 5 s; --seed-time still bounds it)")
	fs.BoolVar(&o.swarm.list, "mirrors", false, "list the live mirrors registered with the origin module SRC, and exit")
	fs.StringVar(&o.swarm.key, "swarm-key", "", "with --swarm, the origin's public `KEY` (ed25519:HEX, from the origin daemon's log)")
}

// runSwarm runs `ferry --swarm ferry://origin/module/ DEST`, or, with
// auto, the swarm fetch of a pull whose module offered it (swarm_auto.go):
// without --swarm-key the origin's key is then trusted as the normal sync
// from it would be, and an origin with no manifest yet gets the normal
// sync.
func runSwarm(ctx context.Context, o *syncOptions, stdout, stderr io.Writer, auto bool) int {
	if len(o.srcs) != 1 {
		return report(stderr, usagef("ferry: --swarm takes one source module and one destination"))
	}
	if why := swarmUnsupported(o); why != "" && !auto {
		return report(stderr, usagef("ferry: --swarm cannot honour %s (use the normal sync: drop --swarm)", why))
	}
	so := ferry.SwarmOptions{Key: o.swarm.key, Mirrors: o.swarm.mirrors, TrustOrigin: auto}
	if o.verbose > 0 && !o.json {
		so.OnDelete = func(p string) { fmt.Fprintf(stdout, "deleting %s\n", p) }
	}
	if o.sync.DryRun && !o.json {
		// -n: what would change, rendered as the normal sync's dry run.
		r := newRenderer(o, stdout, stderr)
		o.sync.OnEvent = r.event
	}
	switch {
	case o.progress && o.json:
		so.Progress = func(p ferry.SwarmProgress) { writeSwarmProgressJSON(stdout, p) }
	case o.progress:
		so.Progress = func(p ferry.SwarmProgress) { writeSwarmProgress(stderr, p) }
	}
	start := time.Now()
	res, err := ferry.SwarmFetch(ctx, o.srcs[0], o.dst, so, o.sync)
	if auto && (errors.Is(err, ferry.ErrSwarmStale) || errors.Is(err, ferry.ErrSwarmVersion)) && res == nil {
		if o.verbose > 0 {
			why := "has no swarm manifest yet"
			if errors.Is(err, ferry.ErrSwarmVersion) {
				why = "has a swarm manifest newer than this ferry reads"
			}
			fmt.Fprintf(stderr, "ferry: %s %s: normal sync\n", o.srcs[0], why)
		}
		o.sync.PreferSwarm = false
		return runSync(ctx, o, stdout, stderr)
	}
	err = signalWins(ctx, err)
	code := exitCode(err)
	if so.Progress != nil && !o.json {
		fmt.Fprintln(stderr)
	}
	if res != nil {
		for _, fe := range res.FileErrors {
			fmt.Fprintf(stderr, "ferry: %v\n", fe)
		}
		for _, s := range res.Sources {
			switch {
			case s.Banned:
				fmt.Fprintf(stderr, "ferry: swarm source %s banned: %s\n", s.Name, s.Dropped)
			case s.Dropped != "":
				fmt.Fprintf(stderr, "ferry: swarm source %s dropped: %s\n", s.Name, s.Dropped)
			case s.Skipped != "" && o.verbose > 0:
				fmt.Fprintf(stderr, "ferry: swarm source %s not used: %s\n", s.Name, s.Skipped)
			}
		}
		switch {
		case o.json:
			writeSwarmJSON(stdout, res, time.Since(start))
		case o.stats || o.verbose > 0 || o.progress:
			writeSwarmStats(stdout, res, time.Since(start), numbers(o.human))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, finalMessage(ctx, err, code))
		return code
	}
	if o.swarm.seed != "" {
		if !o.quiet {
			until := ""
			if o.swarm.seedDone {
				until = ", or until no other client is fetching"
			}
			fmt.Fprintf(stderr, "ferry: seeding %s on %s for %v%s\n", o.dst, o.swarm.seed, o.swarm.seedFor, until)
		}
		sd := ferry.SeedOptions{Listen: o.swarm.seed, Address: o.swarm.seedAt, Time: o.swarm.seedFor, Key: o.swarm.key,
			UntilDone: o.swarm.seedDone, Generation: res.Generation}
		if err := ferry.SwarmSeed(ctx, o.srcs[0], o.dst, sd, o.sync); err != nil && ctx.Err() == nil {
			fmt.Fprintln(stderr, "ferry: "+errorText(err))
			return exitCode(err)
		}
	}
	return code
}

// runMirrors runs `ferry --mirrors ferry://origin/module`: one line per
// live mirror: address, generation, "current" when it holds the origin's,
// and the seconds its registration has left.
func runMirrors(ctx context.Context, o *syncOptions, stdout, stderr io.Writer) int {
	if len(o.srcs) != 1 || o.dst != "" {
		return report(stderr, usagef("ferry: --mirrors takes one origin module (ferry://host/module)"))
	}
	gen, ms, err := ferry.SwarmMirrors(ctx, o.srcs[0], o.sync)
	if err != nil {
		fmt.Fprintln(stderr, "ferry: "+errorText(err))
		return exitCode(err)
	}
	for _, m := range ms {
		state := "behind"
		if m.Generation == gen {
			state = "current"
		}
		fmt.Fprintf(stdout, "%s %s %s %ds\n", m.Address, hex.EncodeToString(m.Generation[:8]), state, int(m.ExpiresIn.Seconds()))
	}
	return ExitOK
}

// writeSwarmProgress rewrites one progress line on w: the bytes done and
// each source's share and rate.
func writeSwarmProgress(w io.Writer, p ferry.SwarmProgress) {
	pct := 0.0
	if p.Total > 0 {
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	line := fmt.Sprintf("%5.1f%% %d/%d MiB", pct, p.Done>>20, p.Total>>20)
	for _, s := range p.Sources {
		share := 0.0
		if p.Done > 0 {
			share = 100 * float64(s.Bytes) / float64(p.Done)
		}
		state := ""
		if s.Dead {
			state = " dropped"
		}
		line += fmt.Sprintf(" | %s %.0f%% %.1f MiB/s%s", s.Name, share, s.Rate/(1<<20), state)
	}
	fmt.Fprintf(w, "\r%s\x1b[K", line)
}

// writeSwarmProgressJSON writes one "swarm-progress" JSON object: bytes
// done and queued, and each source's bytes and rate.
func writeSwarmProgressJSON(w io.Writer, p ferry.SwarmProgress) {
	type src struct {
		Name    string  `json:"name"`
		Bytes   int64   `json:"bytes"`
		Rate    float64 `json:"rate"`
		Dropped bool    `json:"dropped,omitempty"`
	}
	out := struct {
		Event   string `json:"event"`
		Done    int64  `json:"bytes_done"`
		Total   int64  `json:"bytes_total"`
		Sources []src  `json:"sources"`
	}{Event: "swarm-progress", Done: p.Done, Total: p.Total}
	for _, s := range p.Sources {
		out.Sources = append(out.Sources, src{s.Name, s.Bytes, s.Rate, s.Dead})
	}
	json.NewEncoder(w).Encode(out)
}

// writeSwarmStats prints each source's share and rate, then the totals.
func writeSwarmStats(w io.Writer, res *ferry.SwarmResult, el time.Duration, n numbers) {
	fmt.Fprintf(w, "generation %s\n", hex.EncodeToString(res.Generation[:8]))
	for _, s := range res.Sources {
		share := 0.0
		if res.BytesFetched > 0 {
			share = 100 * float64(s.Bytes) / float64(res.BytesFetched)
		}
		state := "ok"
		switch {
		case s.Skipped != "":
			state = "not used"
		case s.Banned:
			state = "banned"
		case s.Dropped != "":
			state = "dropped"
		}
		fmt.Fprintf(w, "source %s: %s chunks, %s bytes (%.1f%%), %.1f MiB/s, %s\n", s.Name,
			n.count(int64(s.Chunks)), n.size(s.Bytes), share, s.Rate/(1<<20), state)
	}
	rate := 0.0
	if el > 0 {
		rate = float64(res.BytesFetched) / el.Seconds() / (1 << 20)
	}
	fmt.Fprintf(w, "%s entries, %s files fetched, %s up to date; %s bytes fetched, %s reused; %.1f MiB/s\n",
		n.count(int64(res.Entries)), n.count(int64(res.FilesFetched)), n.count(int64(res.FilesUpToDate)),
		n.size(res.BytesFetched), n.size(res.BytesReused), rate)
}

// writeSwarmJSON writes the result as one JSON object.
func writeSwarmJSON(w io.Writer, res *ferry.SwarmResult, el time.Duration) {
	type src struct {
		Name    string  `json:"name"`
		Skipped string  `json:"skipped,omitempty"`
		Dropped string  `json:"dropped,omitempty"`
		Banned  bool    `json:"banned,omitempty"`
		Chunks  int     `json:"chunks"`
		Bytes   int64   `json:"bytes"`
		Rate    float64 `json:"rate"`
	}
	out := struct {
		Event        string   `json:"event"`
		Generation   string   `json:"generation"`
		Entries      int      `json:"entries"`
		FilesFetched int      `json:"files_fetched"`
		UpToDate     int      `json:"files_up_to_date"`
		BytesFetched int64    `json:"bytes_fetched"`
		BytesReused  int64    `json:"bytes_reused"`
		Deleted      int      `json:"deleted"`
		Seconds      float64  `json:"seconds"`
		ChunkMedian  float64  `json:"chunk_median_seconds"`
		Tail         float64  `json:"tail_seconds"`
		Sources      []src    `json:"sources"`
		Errors       []string `json:"errors,omitempty"`
	}{Event: "swarm", Generation: hex.EncodeToString(res.Generation[:]), Entries: res.Entries,
		FilesFetched: res.FilesFetched, UpToDate: res.FilesUpToDate, BytesFetched: res.BytesFetched,
		BytesReused: res.BytesReused, Deleted: res.Deleted, Seconds: el.Seconds(), ChunkMedian: res.ChunkMedian.Seconds(), Tail: res.Tail.Seconds()}
	for _, s := range res.Sources {
		out.Sources = append(out.Sources, src{s.Name, s.Skipped, s.Dropped, s.Banned, s.Chunks, s.Bytes, s.Rate})
	}
	for _, e := range res.FileErrors {
		out.Errors = append(out.Errors, e.Error())
	}
	json.NewEncoder(w).Encode(out)
}

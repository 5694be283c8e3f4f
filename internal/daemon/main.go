package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/pflag"

	"github.com/ferrysync/ferry/internal/fsys"
)

// DefaultConfigFile is read when "ferry serve" gets no --config.
const DefaultConfigFile = "/etc/ferry/ferryd.toml"

// Exit codes of Run, matching the CLI's table.
const (
	exitOK      = 0
	exitUsage   = 1
	exitIO      = 11
	exitConnect = 35
)

// serveFlags are the options of "ferry serve".
type serveFlags struct {
	config string
	listen []string
	child  bool
	ca     childArgs
}

func (f *serveFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", DefaultConfigFile, "daemon configuration `FILE` (TOML)")
	fs.StringArrayVar(&f.listen, "listen", nil, "listen on `ADDR` (host:port, or tls://host:port); replaces the config's listen; repeatable")
	fs.BoolVar(&f.child, "child", false, "internal: serve one connection on fd 3 (started by the daemon)")
	fs.StringVar(&f.ca.module, "module", "", "internal (--child)")
	fs.StringVar(&f.ca.path, "path", "", "internal (--child)")
	fs.StringVar(&f.ca.role, "role", "", "internal (--child)")
	fs.StringVar(&f.ca.user, "user", "", "internal (--child)")
	fs.StringVar(&f.ca.remote, "remote", "", "internal (--child)")
	fs.BoolVar(&f.ca.refuseCompress, "refuse-compress", false, "internal (--child)")
	fs.BoolVar(&f.ca.allowSetID, "allow-setid", false, "internal (--child)")
	fs.BoolVar(&f.ca.allowDevices, "allow-devices", false, "internal (--child)")
	fs.BoolVar(&f.ca.noWatch, "no-watch", false, "internal (--child)")
	fs.DurationVar(&f.ca.timeout, "timeout", 0, "internal (--child)")
	fs.Uint8Var(&f.ca.flags, "flags", 0, "internal (--child)")
	for _, n := range []string{"child", "module", "path", "role", "user", "remote", "refuse-compress", "flags", "allow-setid", "allow-devices", "timeout", "no-watch"} {
		fs.MarkHidden(n)
	}
}

// FlagSet returns the flags of "ferry serve", the internal ones hidden,
// for the CLI's man page and shell completion.
func FlagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("ferry serve", pflag.ContinueOnError)
	new(serveFlags).addFlags(fs)
	return fs
}

// Run implements "ferry serve" (args exclude "serve") with h serving the
// sync sessions. It returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, h Handler) int {
	var f serveFlags
	fs := pflag.NewFlagSet("ferry serve", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ferry serve [--config FILE] [--listen ADDR]...\n\n%s", fs.FlagUsages())
	}
	f.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "ferry serve: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ferry serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if f.child {
		return runChild(ctx, f.ca, h, stderr)
	}
	load := func() (*Config, error) {
		cfg, err := LoadConfig(f.config)
		if err != nil {
			return nil, err
		}
		if fs.Changed("listen") {
			cfg.Listen = f.listen
			for _, l := range cfg.Listen {
				if err := checkListen(l, cfg.AllowPlain, cfg.TLSCert != "" && cfg.TLSKey != ""); err != nil {
					return nil, fmt.Errorf("--listen %w", err)
				}
			}
		}
		return cfg, nil
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "ferry serve: %v\n", err)
		return exitUsage
	}
	logger, closeLog, err := openLog(cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ferry serve: %v\n", err)
		return exitIO
	}
	defer closeLog()
	warnConfig(cfg, logger)
	applyMemoryLimit(cfg)
	srv, err := NewServer(cfg, Options{Handler: h, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "ferry serve: %v\n", err)
		return exitUsage
	}
	defer srv.refreshOnSignal(ctx)() // SIGUSR1: mirrors refresh now (swarm_signal_unix.go)
	hup, stopHUP := notifyHUP()
	defer stopHUP()
	go srv.reloadOn(ctx, hup, load)
	if err := srv.ListenAndServe(ctx); err != nil {
		fmt.Fprintf(stderr, "ferry serve: %v\n", err)
		return exitConnect
	}
	return exitOK
}

// openLog returns the configured logger: log_file (appended) or stderr,
// text or JSON.
func openLog(cfg *Config, stderr io.Writer) (*slog.Logger, func(), error) {
	w, closeFn := stderr, func() {}
	if cfg.LogFile != "" && cfg.LogFile != "-" {
		f, err := fsys.AppendFileTrusted(cfg.LogFile, 0o640) // a symlink on the way: root's or ours only
		if err != nil {
			return nil, nil, fmt.Errorf("open log: %w", err)
		}
		w, closeFn = f, func() { f.Close() }
	}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil)), closeFn, nil
	}
	return slog.New(slog.NewTextHandler(w, nil)), closeFn, nil
}

// warnConfig logs settings that do not do what they may seem to.
func warnConfig(cfg *Config, log *slog.Logger) {
	root := os.Geteuid() == 0
	for _, name := range sortedNames(cfg.Modules) {
		m := cfg.Modules[name]
		switch {
		case !root && (m.uid >= 0 || m.gid >= 0):
			log.Warn("uid/gid ignored: the daemon is not running as root", "module", name)
		case root && m.uid == 0 && !m.IsReadOnly():
			log.Warn("writable module served as root (uid = 0)", "module", name)
		}
	}
}

// Main implements "ferry serve" with the ferry sync protocol serving the
// sessions (SessionHandler). args exclude "serve".
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return Run(ctx, args, stdout, stderr, SessionHandler())
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ferrysync/ferry/internal/daemon"
)

// Main runs ferry with args (without the program name) and returns the
// process exit code. The first argument selects a subcommand ("rdiff",
// "watch", "serve", "man", "completion": the table in subcommands.go) or the remote side of a session ("--server"); anything else is
// a sync: ferry [OPTIONS] SRC... DEST.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainWith(ctx, defaultEngine(), args, stdin, stdout, stderr)
}

// mainWith is Main with the engine injected, for tests.
func mainWith(ctx context.Context, eng engine, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "rdiff":
			return runRdiff(ctx, args[1:], stdin, stdout, stderr)
		case "serve":
			return daemon.Main(ctx, args[1:], stdout, stderr)
		case "man":
			return runMan(args[1:], stdout, stderr)
		case "completion":
			return runCompletion(args[1:], stdout, stderr)
		case "watch":
			return runWatch(ctx, eng, args[1:], stdin, stdout, stderr)
		case "--server":
			return runServer(ctx, eng, args[1:], stdin, stdout, stderr)
		}
	}
	o, err := parseSync(args, stdin)
	if err != nil {
		return report(stderr, err)
	}
	switch {
	case o.help:
		writeHelp(stdout)
		return ExitOK
	case o.version:
		writeVersion(stdout)
		return ExitOK
	case o.infoHelp:
		for _, v := range o.info {
			o.applyInfo(v, stdout)
		}
		return ExitOK
	case o.debugHelp:
		for _, v := range o.debug {
			applyDebug(v, stdout)
		}
		return ExitOK
	}
	if o.list != "" {
		return runList(ctx, o, stdout, stderr)
	}
	o.engine = eng
	switch {
	case o.swarm.list:
		return runMirrors(ctx, o, stdout, stderr)
	case o.swarm.on && o.swarm.off:
		return report(stderr, usagef("ferry: --swarm and --no-swarm contradict each other"))
	case o.swarm.on:
		return runSwarm(ctx, o, stdout, stderr, false)
	case !o.swarm.off && len(o.srcs) == 1 && anyDaemon(o.srcs):
		if why := swarmUnsupported(o); why == "" {
			o.sync.PreferSwarm = true // the module's READY decides (runSync)
		} else if o.verbose > 0 {
			fmt.Fprintf(stderr, "ferry: no swarm fetch: the swarm path cannot honour %s\n", why)
		}
	}
	return runSync(ctx, o, stdout, stderr)
}

// report prints an error that ended ferry before any work and returns its
// exit code.
func report(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "ferry: "+errorText(err))
	var ue *usageError
	if errors.As(err, &ue) && ue.hint {
		fmt.Fprintln(stderr, "Try 'ferry --help' for more information.")
	}
	return exitCode(err)
}

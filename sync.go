package ferry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/tree"
	"github.com/ferrysync/ferry/internal/wire"
)

// Errors a Sync returns (wrapped); test with errors.Is.
var (
	// ErrPartial: some entries failed (each reported as EventFileError);
	// the rest was transferred.
	ErrPartial = errors.New("ferry: partial transfer")
	// ErrVanished: some source files vanished during the run; with no
	// other failure the error matches ErrVanished as well as ErrPartial.
	ErrVanished = session.ErrVanished
	// ErrMaxDelete: Options.MaxDelete stopped some deletions (the error
	// is a *MaxDeleteError).
	ErrMaxDelete = errors.New("ferry: the --max-delete limit stopped deletions")
	// ErrProtocol: the peer broke the protocol or speaks an incompatible
	// version.
	ErrProtocol = session.ErrProtocol
	// ErrTimeout: the peer was silent longer than Options.Timeout.
	ErrTimeout = session.ErrTimeout
)

// PartialError is returned when some entries failed.
type PartialError struct {
	Errors   int64 // entries that failed
	Vanished int64 // of which vanished from the source
}

func (e *PartialError) Error() string {
	if e.Errors == e.Vanished {
		return fmt.Sprintf("ferry: some files vanished before they could be transferred (%d)", e.Vanished)
	}
	return fmt.Sprintf("ferry: some files could not be transferred (%d errors)", e.Errors)
}

// Is makes the error match ErrPartial, and ErrVanished when every failure
// was a vanished file.
func (e *PartialError) Is(target error) bool {
	return target == ErrPartial || (target == ErrVanished && e.Errors == e.Vanished)
}

// MaxDeleteError is returned when Options.MaxDelete stopped deletions
// and nothing failed (a PartialError takes precedence, as in rsync).
type MaxDeleteError struct {
	Skipped int64 // deletions not done
}

func (e *MaxDeleteError) Error() string {
	return fmt.Sprintf("ferry: deletions stopped due to --max-delete limit (%d skipped)", e.Skipped)
}

// Is makes the error match ErrMaxDelete.
func (e *MaxDeleteError) Is(target error) bool { return target == ErrMaxDelete }

// Sync makes dst like src. See SyncMany.
func Sync(ctx context.Context, src, dst string, opts Options) (Stats, error) {
	return SyncMany(ctx, []string{src}, dst, opts)
}

// SyncMany makes dst like the sources, with rsync's operand rules: "src/"
// copies the contents of src into dst, "src" copies src itself into
// dst/src; several sources each become a top-level name in dst; a single
// file copied to a path that is not a directory is written at that path.
// Per-entry failures go to Options.OnEvent as EventFileError and make
// SyncMany return an error matching ErrPartial; the rest goes on. When ctx
// ends, SyncMany stops at once (files in flight keep their partial data
// for the next run) and returns ctx's error.
//
// With Relative, each source keeps its path in dst (see Options.Relative);
// with FilesFrom, the one source is the directory the listed paths are
// relative to.
func SyncMany(ctx context.Context, srcs []string, dst string, opts Options) (Stats, error) {
	if err := checkCoop(opts); err != nil {
		return Stats{}, err
	}
	if opts.Parallel > 1 {
		return syncParallel(ctx, srcs, dst, opts) // parallel.go
	}
	if opts.FilesFrom != nil {
		if len(srcs) != 1 {
			return Stats{}, fmt.Errorf("%w: --files-from takes exactly one source directory, not %d", ErrBadOperand, len(srcs))
		}
		if !strings.HasSuffix(srcs[0], "/") {
			srcs = []string{srcs[0] + "/"} // the listed paths are inside it
		}
	}
	s, err := Open(ctx, srcs, dst, opts)
	if err != nil {
		return Stats{}, err
	}
	// A one-shot sync stops at once when ctx ends (a signal): it tears the
	// session down rather than letting the files in flight finish, as a
	// cancelled pass of a long-lived Session does. Partial data is kept.
	defer context.AfterFunc(ctx, func() { s.cl.Abort(context.Cause(ctx)) })()
	st, err := runPasses(ctx, s, srcs, opts)
	cerr := s.Close()
	if err == nil && cerr != nil && !errors.Is(cerr, ErrPartial) {
		err = cerr
	}
	return st, err
}

// Session is an open sync: one connection that can carry several passes
// (a full one, then passes over changed paths, as realtime replication
// does). Its methods are safe to call from several goroutines: passes are
// serialized, each running to its end before the next begins.
type Session struct {
	cl    *session.Client
	opts  Options
	stats *eventCounter
	ho    *session.Handoff // local sync: files pass between the roles as descriptors
	// passBase prefixes pass paths: the name of a single source given
	// without a trailing slash (passBase).
	passBase string

	// mu serializes passes and guards total.
	mu    sync.Mutex
	total Stats // every pass's stats added up
}

// Totals returns the stats of every pass of the session so far, added up.
func (s *Session) Totals() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Open connects the sources to the destination and prepares passes.
// Exactly one side may be remote.
func Open(ctx context.Context, srcs []string, dst string, opts Options) (*Session, error) {
	if len(srcs) == 0 {
		return nil, fmt.Errorf("%w: no source", ErrBadOperand)
	}
	if opts.ListOnly {
		dst = "." // never opened: the receiver only lists
		opts.NoTotals = true
	}
	if strings.HasPrefix(opts.PartialDir, "/") {
		return nil, fmt.Errorf("%w: PartialDir %q is absolute: it must be relative to each file's directory in the destination", ErrBadOption, opts.PartialDir)
	}
	dop, err := ParseOperand(dst)
	if err != nil {
		return nil, err
	}
	var sops []Operand
	for _, s := range srcs {
		op, err := ParseOperand(s)
		if err != nil {
			return nil, err
		}
		if op.Kind != sops0(sops, op).Kind || op.Host != sops0(sops, op).Host || op.User != sops0(sops, op).User {
			return nil, fmt.Errorf("%w: sources on different hosts", ErrBadOperand)
		}
		sops = append(sops, op)
	}
	if sops[0].Kind != Local && dop.Kind != Local {
		return nil, fmt.Errorf("%w: source and destination both remote", ErrBadOperand)
	}
	req, ec, err := newRequest(opts)
	if err != nil {
		return nil, err
	}
	var tc transport.Conn
	var ho *session.Handoff
	switch {
	case dop.Kind == Daemon: // push to a daemon module
		req.Role = wire.RoleSender
		for _, op := range sops {
			req.Local = append(req.Local, op.Path)
		}
		req.Remote = []string{remotePath(dop.Path)}
		tc, err = dialDaemon(ctx, dop, opts, false)
	case sops[0].Kind == Daemon: // pull from a daemon module
		req.Role = wire.RoleReceiver
		req.Local = []string{dop.Path}
		for _, op := range sops {
			if op.Module != sops[0].Module {
				return nil, fmt.Errorf("%w: sources in different daemon modules", ErrBadOperand)
			}
			req.Remote = append(req.Remote, remotePath(op.Path))
		}
		tc, err = dialDaemon(ctx, sops[0], opts, true)
	case dop.Kind == Shell: // push
		req.Role = wire.RoleSender
		for _, op := range sops {
			req.Local = append(req.Local, op.Path)
		}
		req.Remote = []string{remotePath(dop.Path)}
		tc, err = startRemote(ctx, dop, opts, false, req.Remote)
	case sops[0].Kind == Shell: // pull
		req.Role = wire.RoleReceiver
		req.Local = []string{dop.Path}
		for _, op := range sops {
			req.Remote = append(req.Remote, remotePath(op.Path))
		}
		tc, err = startRemote(ctx, sops[0], opts, true, req.Remote)
	default: // local: an in-process sender serves a receiving client
		req.Role = wire.RoleReceiver
		req.Local = []string{dop.Path}
		req.Remote = srcs
		req.Config.WholeFile = opts.WholeFile || !opts.DeltaLocal
		req.Config.LocalPeer = true
		a, b := transport.Pipe(1 << 20)
		tc = a
		req.Config.Compress = false // compress hook: pointless between local processes
		if opts.BWLimit <= 0 {      // --bwlimit paces the connection, so the data must take it
			ho = session.NewHandoff()
			req.Config.Handoff = ho
		}
		go session.Serve(ctx, b, session.ServeOptions{Config: session.Config{Timeout: opts.Timeout, Handoff: ho, LocalPeer: true}})
	}
	if err != nil {
		return nil, err
	}
	raw := tc
	tc = transport.RateLimit(tc, opts.BWLimit, true, nil) // bwlimit hook
	cl, err := session.Dial(ctx, tc, req)
	if err != nil {
		if ho != nil {
			ho.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr // a signal, not the far side's end of file
		}
		if remote := dop.Kind != Local || sops[0].Kind != Local; remote && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
			// The far side went away before the handshake: it never started.
			// The remote shell's exit status says why (rsync's codes).
			var ee *exec.ExitError
			if cerr := raw.Close(); errors.As(cerr, &ee) && ee.ExitCode() > 0 {
				return nil, &ShellExitError{Status: ee.ExitCode()}
			}
			return nil, fmt.Errorf("%w: it closed the connection before the handshake", ErrStartup)
		}
		return nil, err
	}
	return &Session{cl: cl, opts: opts, stats: ec, ho: ho, passBase: passBase(srcs, sops, opts)}, nil
}

// passBase is the name under which a single source without a trailing
// slash appears in the transfer ("src" for "dir/src"): pass paths, relative
// to that source, are relative to it. "" when the source's contents are
// the transfer (a trailing slash, "."), with several sources, -R or
// --files-from (whose paths are the transfer's own).
func passBase(srcs []string, sops []Operand, opts Options) string {
	if len(srcs) != 1 || opts.Relative || opts.FilesFrom != nil || strings.HasSuffix(srcs[0], "/") {
		return ""
	}
	switch b := path.Base(sops[0].Path); b {
	case ".", "/", "..", "":
		return ""
	default:
		return b
	}
}

// transferPaths turns pass paths relative to the source into paths of
// the transfer. Invalid paths are left as they are, for the session to
// report.
func (s *Session) transferPaths(paths []string) []string {
	if s.passBase == "" || len(paths) == 0 {
		return paths
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if tree.ValidPath(p) == nil {
			out[i] = path.Join(s.passBase, p)
		}
	}
	return out
}

// newRequest is the session request of opts, with the counter that turns
// its events into Events.
func newRequest(opts Options) (session.Request, *eventCounter, error) {
	ec := &eventCounter{user: opts.OnEvent, log: opts.Logger}
	req := session.Request{Config: sessionConfig(opts), OnEvent: ec.event}
	if err := clientTweaks(&req.Config, opts); err != nil {
		return req, nil, err
	}
	if err := destOptions(opts, &req.Config); err != nil {
		return req, nil, err
	}
	var err error
	if req.Config.Filters, err = expandFilters(partialDirFilters(opts)); err != nil {
		return req, nil, err
	}
	return req, ec, nil
}

func sops0(sops []Operand, op Operand) Operand {
	if len(sops) == 0 {
		return op
	}
	return sops[0]
}

// remotePath is the path a server resolves: "" (the login directory) is ".".
func remotePath(p string) string {
	if p == "" {
		return "."
	}
	return p
}

// Pass runs one pass: the whole tree when paths is empty, else only these
// paths, each walked, compared, and with Delete removed when gone from the
// source. Paths are slash-separated and relative to the source as the
// caller wrote it: "a/b" is SRC/a/b whether SRC ends in a slash or not
// (with several sources, -R or FilesFrom, relative to the transfer root).
// A path that is not valid (absolute, "..") is a per-path error: an
// EventFileError with a *FileError whose cause is ErrBadPath.
//
// Pass is safe to call from several goroutines; passes run one at a time.
// Cancelling ctx ends this pass early (files in flight finish, nothing
// more is deleted) and Pass returns ctx's error; the session goes on.
func (s *Session) Pass(ctx context.Context, paths []string) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.pass(ctx, paths)
	s.passDone(st, err)
	return st, err
}

func (s *Session) pass(ctx context.Context, paths []string) (Stats, error) {
	start := time.Now()
	s.stats.reset()
	ws, err := s.cl.Pass(ctx, s.transferPaths(paths))
	return s.result(ws, err, time.Since(start))
}

// result is a pass's Stats and error from the session's, with the
// failures the events counted.
func (s *Session) result(ws session.Stats, err error, elapsed time.Duration) (Stats, error) {
	st := serverStats(ws, elapsed)
	errs, vanished := s.stats.counts()
	st.Errors = errs
	if err != nil {
		return st, err
	}
	if errs > 0 {
		return st, &PartialError{Errors: errs, Vanished: vanished}
	}
	if st.DeletesSkipped > 0 {
		return st, &MaxDeleteError{Skipped: st.DeletesSkipped}
	}
	return st, nil
}

// passDone adds a pass's stats to the session's and reports them
// (EventPassDone, the Logger). s.mu is held.
func (s *Session) passDone(st Stats, err error) {
	s.total = addStats(s.total, st)
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(Event{Kind: EventPassDone, Stats: st, Err: err})
	}
	if l := s.opts.Logger; l != nil {
		l.Info("pass done", "files", st.Files, "transferred", st.FilesTransferred,
			"deleted", st.Deleted, "errors", st.Errors, "bytes_sent", st.BytesSent, "bytes_received", st.BytesReceived,
			"elapsed", st.Elapsed, "err", err)
	}
}

// Follow lets the server start the passes until ctx is done: the far
// side of OpenConn, running Serve with ServeOptions.Follow, runs a pass
// whenever it has something to send (its tree changed), and each runs
// here as any pass, reported by an EventPassDone (with its Stats and
// error) and added to Totals. A pass in flight when ctx ends runs to its
// end; Follow then returns nil, and the session goes on. A server that
// cannot start passes gives ErrNoServerPass.
func (s *Session) Follow(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	s.stats.reset()
	return s.cl.Follow(ctx, func(_ uint64, ws session.Stats, err error) {
		st, err := s.result(ws, err, time.Since(start))
		s.passDone(st, err)
		start = time.Now()
		s.stats.reset()
	})
}

// ErrNoServerPass is the error of Follow with a server that starts no
// passes.
var ErrNoServerPass = session.ErrNoServerPass

// Close ends the session.
func (s *Session) Close() error {
	err := s.cl.Close(context.Background())
	if s.ho != nil {
		s.ho.Close()
	}
	return err
}

// ServeStdio runs the far side of a remote-shell transfer ("ferry --server
// ..."), speaking the protocol on stdin and stdout. args are the server
// arguments after "--server": "--sender" when this side sends, then "--",
// then the paths; the client's run request must match them, so a remote
// account can be restricted to one command line.
func ServeStdio(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	sender, paths, err := parseServerArgs(args)
	if err != nil {
		return err
	}
	check := func(run *wire.Run) error {
		if (run.Role == wire.RoleSender) != sender {
			return fmt.Errorf("%w: run request role does not match the server command line", ErrProtocol)
		}
		if len(paths) > 0 && !equalStrings(run.Paths, paths) {
			return fmt.Errorf("%w: run request paths %q do not match the server command line %q", ErrProtocol, run.Paths, paths)
		}
		return nil
	}
	so := session.ServeOptions{Check: check}
	if sender {
		so.FollowRenames = watchFollow(paths) // ferry watch host:src/ dst/ follows this side's changes
	}
	return session.Serve(ctx, transport.Stdio(stdin, stdout), so)
}

// ServerArgs returns the arguments that follow the ferry binary on the
// remote side: "--server", "--sender" when the remote side sends, "--",
// the paths.
func ServerArgs(sender bool, paths []string) []string {
	args := []string{"--server"}
	if sender {
		args = append(args, "--sender")
	}
	return append(append(args, "--"), paths...)
}

func parseServerArgs(args []string) (sender bool, paths []string, err error) {
	for i, a := range args {
		switch a {
		case "--server":
		case "--sender":
			sender = true
		case "--":
			return sender, args[i+1:], nil
		default:
			return false, nil, fmt.Errorf("%w: unknown server argument %q", ErrBadOperand, a)
		}
	}
	return sender, nil, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// startRemote runs the remote side through the remote shell:
// COMMAND [-l user] [-p port] host ferry --server ...
func startRemote(ctx context.Context, op Operand, opts Options, sender bool, paths []string) (transport.Conn, error) {
	rsh := opts.RemoteShell
	if rsh == "" {
		rsh = "ssh"
	}
	argv, err := transport.SplitCommand(rsh)
	if err != nil {
		return nil, err
	}
	if op.User != "" {
		argv = append(argv, "-l", op.User)
	}
	if op.Port != 0 {
		argv = append(argv, "-p", fmt.Sprint(op.Port))
	}
	ferry := opts.FerryPath
	if ferry == "" {
		ferry = "ferry"
	}
	argv = append(argv, op.Host, ferry) // as written, like rsync's --rsync-path: "sudo ferry" works
	// The remote shell hands the words after the host to the remote
	// user's shell: quote them so paths reach ferry as they are.
	for _, w := range ServerArgs(sender, paths) {
		argv = append(argv, transport.ShellQuote(w))
	}
	tc, err := transport.Command(ctx, argv, os.Stderr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStartup, err)
	}
	return tc, nil
}

package cli

// exitStatus documents one exit code: rsync's meaning and when ferry uses
// it. The man page prints this table; docs/EXIT-CODES.md holds the same
// rows (TestExitCodesDoc fails when they diverge).
type exitStatus struct {
	code    int
	meaning string // as rsync's man page words it
	when    string // markdown: `code` spans allowed
}

// exitStatuses is the table of exit codes, in order.
var exitStatuses = []exitStatus{
	{ExitOK, "success", "everything was transferred (or, with `-n`, would be)"},
	{ExitUsage, "syntax or usage error", "unknown option, an rsync option ferry does not support yet, a malformed filter rule, missing operands, conflicting options (`--inplace` with `--partial-dir` or `--delay-updates`, `--link-dest` with `--compare-dest` or `--copy-dest`, more than 20 basis directories, `--suffix` with a `/`, or empty without `--backup-dir`), `--password-file` without a daemon operand; a `--temp-dir` that does not exist on the receiving side; a bad `ferry serve` configuration"},
	{ExitProtocol, "protocol incompatibility", "`ferry rdiff`: an input file is not a valid rdiff signature or delta"},
	{ExitFileSelect, "errors selecting input/output files, dirs", "a file named by an option cannot be read (`--exclude-from FILE`, `--password-file FILE`), or is reached through a symlink owned by neither root nor this user; the destination is a file (or not a directory) while the source is a directory or there are several sources, or the destination's path goes through a file: `ferry: destination must be a directory when copying a directory or more than one file, and D is not one (code 3)`; the path of the destination, a `--temp-dir`, `--backup-dir` or `--link-dest` goes through a symlink owned by neither root nor this user, which is not followed (as rsync 3.5.0); nothing is transferred, also when the receiver is the remote side"},
	{ExitStartup, "error starting client-server protocol", "the remote shell could not be started (`-e` names no program), or it exited before the handshake with a status other than 126, 127 and 255; a daemon refused the request (unknown module, access denied, failed authentication, too many connections, a read-only or write-only module used the other way, a watch of a module with `watch = false`)"},
	{ExitSocketIO, "error in socket I/O", "a network connection failed or was refused"},
	{ExitIO, "error in file I/O", "a local read or write error stopped the run, a destination directory that cannot be created; a merge file (`--filter='merge FILE'`) that cannot be read; `ferry serve` cannot open its log file; also the default for an unclassified fatal error"},
	{ExitStream, "error in protocol data stream", "the peer sent malformed or unexpected data, or shares no protocol version with ferry"},
	{ExitRedirect, "daemon redirect not followed (ferry's own code)", "a daemon answered with a redirect the client would not follow: a loop (the same address and module twice), more than 8 redirects in a row, one from `ferrys://` to plain `ferry://`, or any with `--no-redirect`; the message names the chain: `ferry: daemon redirect not followed: redirect loop (ferry://a:8873/m -> ferry://b:8873/m -> ferry://a:8873/m)`"},
	{ExitSignal, "received SIGUSR1 or SIGINT", "interrupted by SIGINT, SIGTERM or SIGHUP, also in the middle of a transfer whose other side (the in-process sender, the ssh child) the signal ended first: `ferry: received a signal (SIGINT), stopping (code 20)`. Not `ferry watch`: its way to end is a signal, which finishes the batch in flight and exits 0 (20 only when the batch in flight was lost with the connection)"},
	{ExitPartial, "partial transfer due to error", "the run finished but some files failed (a source that does not exist among them); each was reported on stderr as `ferry: PATH: cause`. When every source failed, nothing is created at the destination"},
	{ExitVanished, "partial transfer due to vanished source files", "the run finished but some source files disappeared before they were sent"},
	{ExitMaxDelete, "the --max-delete limit stopped deletions", "the run finished, nothing failed, but `--max-delete=NUM` skipped deletions (stderr says how many)"},
	{ExitTimeout, "timeout in data send/receive", "the peer was silent longer than `--timeout`; a daemon did not answer in time"},
	{ExitDaemonTimeout, "timeout waiting for daemon connection", "a daemon did not accept the connection and greet within `--contimeout`; `ferry serve` could not listen on an address"},
	{ExitCmdNotRun, "remote command could not be run", "the remote shell exited with status 126 before the handshake (the remote ferry is not executable)"},
	{ExitCmdNotFound, "remote command not found", "the remote shell exited with status 127 before the handshake: the remote ferry (`--ferry-path`) was not found"},
	{ExitShell, "the remote shell failed", "ssh exited with status 255 before the handshake: connection refused, unknown host, failed authentication"},
}

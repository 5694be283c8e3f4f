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
	{ExitUsage, "syntax or usage error", "unknown option, an rsync option ferry does not support yet, missing operands, conflicting options (`--inplace` with `--partial-dir`); a bad `ferry serve` configuration"},
	{ExitProtocol, "protocol incompatibility", "`ferry rdiff`: an input file is not a valid rdiff signature or delta"},
	{ExitFileSelect, "errors selecting input/output files, dirs", "a file named by an option cannot be read (`--exclude-from FILE`, `--password-file FILE`)"},
	{ExitStartup, "error starting client-server protocol", "the remote shell or the remote ferry could not be started, or went away before the handshake; a daemon refused the request (unknown module, access denied, failed authentication, too many connections, a read-only or write-only module used the other way)"},
	{ExitSocketIO, "error in socket I/O", "a network connection failed or was refused"},
	{ExitIO, "error in file I/O", "a local read or write error stopped the run, a destination directory that cannot be created; `ferry serve` cannot open its log file; also the default for an unclassified fatal error"},
	{ExitStream, "error in protocol data stream", "the peer sent malformed or unexpected data, or shares no protocol version with ferry"},
	{ExitSignal, "received SIGUSR1 or SIGINT", "interrupted by SIGINT or SIGTERM (context canceled)"},
	{ExitPartial, "partial transfer due to error", "the run finished but some files failed (a source that does not exist among them); each was reported on stderr as `ferry: PATH: cause`"},
	{ExitVanished, "partial transfer due to vanished source files", "the run finished but some source files disappeared before they were sent"},
	{ExitTimeout, "timeout in data send/receive", "the peer was silent longer than `--timeout`; a daemon did not answer in time"},
	{ExitDaemonTimeout, "timeout waiting for daemon connection", "`ferry serve` could not listen on an address"},
}

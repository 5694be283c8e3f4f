package cli

// Exit codes. The table in README.md documents them.
const (
	ExitOK       = 0  // success
	ExitUsage    = 1  // bad command line or options
	ExitProtocol = 2  // protocol incompatibility or malformed peer data
	ExitIO       = 11 // error reading or writing files (the run stopped)
	ExitPartial  = 23 // some files failed; the rest were transferred
	ExitVanished = 24 // some source files vanished during the run
	ExitTimeout  = 30 // timeout waiting for the peer
	ExitConnect  = 35 // could not connect to / start the remote side
	ExitDiffers  = 1  // diff mode: trees differ (ferry diff only)
)

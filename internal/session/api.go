package session

import (
	"errors"

	"github.com/ferrysync/ferry/internal/link"
	"github.com/ferrysync/ferry/internal/receiver"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/sender"
)

// The types the roles share, under the names session's users know them
// by: options, events, stats and per-file errors are defined once, in
// internal/role, and travel unchanged from the public API to the roles.
type (
	// Config holds the options both roles act on (Config).
	Config = role.Config
	// Event is one thing that happened to one path (Event).
	Event = role.Event
	// EventKind says what an Event reports.
	EventKind = role.EventKind
	// Progress is the running count of a transfer.
	Progress = role.Progress
	// Stats are one side's totals of a pass.
	Stats = role.Stats
	// FileError is a failure tied to one path.
	FileError = role.FileError
	// Handoff passes whole files as descriptors between the roles of one
	// process.
	Handoff = role.Handoff
)

// Event kinds.
const (
	EventChanged  = role.EventChanged
	EventDeleted  = role.EventDeleted
	EventError    = role.EventError
	EventNotice   = role.EventNotice
	EventListed   = role.EventListed
	EventStarted  = role.EventStarted
	EventTotals   = role.EventTotals
	EventProgress = role.EventProgress
)

// Errors of a session.
var (
	ErrProtocol      = link.ErrProtocol
	ErrTimeout       = link.ErrTimeout
	ErrVanished      = role.ErrVanished
	ErrRemote        = role.ErrRemote
	ErrChecksum      = role.ErrChecksum
	ErrNotDir        = role.ErrNotDir
	ErrNoXattrs      = role.ErrNoXattrs
	ErrDirNotEmpty   = role.ErrDirNotEmpty
	ErrDeleteSkipped = role.ErrDeleteSkipped
	ErrUsage         = role.ErrUsage
	ErrSourceChanged = sender.ErrSourceChanged
	ErrDestination   = receiver.ErrDestination
)

// ErrBadPath is the cause of the per-path error of a pass path that is not
// a valid transfer path: absolute, with "..", empty or with a NUL.
var ErrBadPath = errors.New("ferry: invalid pass path")

// NewHandoff returns an empty Handoff.
func NewHandoff() *Handoff { return role.NewHandoff() }

// SplitRelative splits a -R operand at its "/./" (sender.SplitRelative).
func SplitRelative(op string) (base, rel string, err error) { return sender.SplitRelative(op) }

// MaxOutstanding is the most file requests a receiver may have outstanding.
const MaxOutstanding = role.MaxOutstanding

// DefaultSkipCompress lists the suffixes sent uncompressed by default.
var DefaultSkipCompress = link.DefaultSkipCompress

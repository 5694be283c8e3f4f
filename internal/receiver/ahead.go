package receiver

// The temp files created ahead of their data (createAhead) hold a
// descriptor each until the data comes. A sender that is sent requests and
// never answers them would otherwise hold one per outstanding request
// (wire.MaxRequests) in every session; at most MaxAhead are created ahead,
// the others at their first data, as when creating ahead fails.

// MaxAhead bounds the temp files a receiver holds created ahead of their
// data (docs/PROTOCOL.md, "Limits").
const MaxAhead = 32

// takeAhead reserves a slot for a temp file created ahead; false when
// MaxAhead are held.
func (r *Engine) takeAhead() bool {
	if r.ahead.Add(1) > MaxAhead {
		r.ahead.Add(-1)
		return false
	}
	return true
}

// dropAhead gives back j's slot, once its temp file has its first data
// or the job ends.
func (j *job) dropAhead() {
	if j.ahead {
		j.ahead = false
		j.r.ahead.Add(-1)
	}
}

package role

// Rename is a rename in the source that a pass replicates as a rename on
// the receiver (capability rename), not as a deletion and a copy.
type Rename struct {
	// Old and New are transfer paths.
	Old, New string
	// Dir: a directory was renamed, with everything under it.
	Dir bool
	// OldParentMTime and NewParentMTime are the source's times of the
	// parent directories after the rename (nanoseconds; 0: unknown).
	OldParentMTime, NewParentMTime int64
}

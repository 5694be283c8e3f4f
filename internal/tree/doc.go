// Package tree walks directory trees in ferry's canonical order and describes
// what it finds as Entry values; it also holds the rsync-style filter rules
// and hard-link grouping.
//
// Canonical order: names are compared byte-wise, component by component, and
// a directory is followed immediately by its contents (depth-first,
// pre-order). Both ends of a transfer walk in this order, so the receiver can
// merge-join its own walk with the incoming stream without holding either
// whole.
package tree

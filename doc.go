// Package ferry makes one directory tree like another, locally, over ssh or
// through a ferry daemon, moving only what changed.
//
// Sync is the entry point; the command-line tool in cmd/ferry is a thin layer
// over it. The delta engine is the separate public package delta.
package ferry

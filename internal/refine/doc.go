// Package refine is the second round of ferry's delta: the regions of a
// new file that round 1 (package delta, one block size) left as literal
// data are signed again with smaller blocks by the sender (RegionSig), the
// receiver finds those blocks anywhere in its basis (BlockRun), and the
// sender emits the segment with the copies found (Segment.Emit), so that
// literal bytes approach the bytes really changed. docs/PROTOCOL.md
// (section 5.5, RefineSig and RefineMatch) is the wire side.
//
// It is internal: the public delta package keeps to signatures, deltas,
// patches and the rdiff formats.
package refine

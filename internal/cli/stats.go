package cli

import (
	"fmt"
	"io"

	"github.com/ferrysync/ferry"
)

// writeStats prints --stats totals in rsync's layout, followed by the
// summary lines; h is the --human-readable level (numbers.go).
func writeStats(w io.Writer, st ferry.Stats, dryRun bool, h numbers) {
	other := st.Files - st.RegularFiles - st.Dirs
	kinds := fmt.Sprintf("reg: %s, dir: %s", h.count(st.RegularFiles), h.count(st.Dirs))
	if other > 0 {
		kinds += ", other: " + h.count(other)
	}
	fmt.Fprintf(w, "\nNumber of files: %s (%s)\n", h.count(st.Files), kinds)
	fmt.Fprintf(w, "Number of created files: %s\n", h.count(st.Created))
	fmt.Fprintf(w, "Number of deleted files: %s\n", h.count(st.Deleted))
	fmt.Fprintf(w, "Number of regular files transferred: %s\n", h.count(st.FilesTransferred))
	fmt.Fprintf(w, "Total file size: %s bytes\n", h.size(st.TotalSize))
	fmt.Fprintf(w, "Total transferred file size: %s bytes\n", h.size(st.LiteralBytes+st.MatchedBytes))
	fmt.Fprintf(w, "Literal data: %s bytes\n", h.size(st.LiteralBytes))
	fmt.Fprintf(w, "Matched data: %s bytes\n", h.size(st.MatchedBytes))
	fmt.Fprintf(w, "Total bytes sent: %s\n", h.size(st.BytesSent))
	fmt.Fprintf(w, "Total bytes received: %s\n", h.size(st.BytesReceived))
	if st.Errors > 0 {
		fmt.Fprintf(w, "Number of errors: %s\n", h.count(st.Errors))
	}
	fmt.Fprintln(w)
	writeSummary(w, st, dryRun, h)
}

// writeSummary prints rsync's two closing lines:
//
//	sent 290 bytes  received 84 bytes  748.00 bytes/sec
//	total size is 12  speedup is 0.03
func writeSummary(w io.Writer, st ferry.Stats, dryRun bool, h numbers) {
	moved := st.BytesSent + st.BytesReceived
	rate := 0.0
	if secs := st.Elapsed.Seconds(); secs > 0 {
		rate = float64(moved) / secs
	}
	speedup := 0.0
	if moved > 0 {
		speedup = float64(st.TotalSize) / float64(moved)
	}
	fmt.Fprintf(w, "sent %s bytes  received %s bytes  %s bytes/sec\n",
		h.size(st.BytesSent), h.size(st.BytesReceived), h.rate(rate))
	suffix := ""
	if dryRun {
		suffix = " (DRY RUN)"
	}
	fmt.Fprintf(w, "total size is %s  speedup is %s%s\n", h.size(st.TotalSize), h.decimal(speedup), suffix)
}

package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ferrysync/ferry"
)

// writeStats prints --stats totals in rsync's layout, followed by the
// summary lines.
func writeStats(w io.Writer, st ferry.Stats, dryRun bool) {
	other := st.Files - st.RegularFiles - st.Dirs
	kinds := fmt.Sprintf("reg: %s, dir: %s", commas(st.RegularFiles), commas(st.Dirs))
	if other > 0 {
		kinds += ", other: " + commas(other)
	}
	fmt.Fprintf(w, "\nNumber of files: %s (%s)\n", commas(st.Files), kinds)
	fmt.Fprintf(w, "Number of created files: %s\n", commas(st.Created))
	fmt.Fprintf(w, "Number of deleted files: %s\n", commas(st.Deleted))
	fmt.Fprintf(w, "Number of regular files transferred: %s\n", commas(st.FilesTransferred))
	fmt.Fprintf(w, "Total file size: %s bytes\n", commas(st.TotalSize))
	fmt.Fprintf(w, "Total transferred file size: %s bytes\n", commas(st.LiteralBytes+st.MatchedBytes))
	fmt.Fprintf(w, "Literal data: %s bytes\n", commas(st.LiteralBytes))
	fmt.Fprintf(w, "Matched data: %s bytes\n", commas(st.MatchedBytes))
	fmt.Fprintf(w, "Total bytes sent: %s\n", commas(st.BytesSent))
	fmt.Fprintf(w, "Total bytes received: %s\n", commas(st.BytesReceived))
	if st.Errors > 0 {
		fmt.Fprintf(w, "Number of errors: %s\n", commas(st.Errors))
	}
	fmt.Fprintln(w)
	writeSummary(w, st, dryRun)
}

// writeSummary prints rsync's two closing lines:
//
//	sent 290 bytes  received 84 bytes  748.00 bytes/sec
//	total size is 12  speedup is 0.03
func writeSummary(w io.Writer, st ferry.Stats, dryRun bool) {
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
		commas(st.BytesSent), commas(st.BytesReceived), commasFloat(rate))
	suffix := ""
	if dryRun {
		suffix = " (DRY RUN)"
	}
	fmt.Fprintf(w, "total size is %s  speedup is %s%s\n", commas(st.TotalSize), commasFloat(speedup), suffix)
}

// commas formats n with thousands separators: 1234567 -> "1,234,567".
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// commasFloat formats f with two decimals and thousands separators.
func commasFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return s
	}
	return commas(n) + "." + frac
}

package cli

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestExitCodesDoc fails when docs/EXIT-CODES.md and exitStatuses (the
// table the man page prints) list different codes or words.
func TestExitCodesDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/EXIT-CODES.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []exitStatus
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || cells[0] != "" || cells[4] != "" {
			continue
		}
		code, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			continue // the header and the separator
		}
		rows = append(rows, exitStatus{code, strings.TrimSpace(cells[2]), strings.TrimSpace(cells[3])})
	}
	if len(rows) != len(exitStatuses) {
		t.Errorf("docs/EXIT-CODES.md has %d codes, exitStatuses %d", len(rows), len(exitStatuses))
	}
	for i := range min(len(rows), len(exitStatuses)) {
		if rows[i] != exitStatuses[i] {
			t.Errorf("row %d differs:\n  doc: %+v\n  Go:  %+v", i, rows[i], exitStatuses[i])
		}
	}
}

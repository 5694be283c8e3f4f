package role

import (
	"testing"

	"github.com/ferrysync/ferry/internal/wire"
)

func TestGotTotals(t *testing.T) {
	cases := []struct {
		name   string
		client bool
		m      wire.Totals
		want   []Event
	}{
		{"scan", true, wire.Totals{Kind: wire.TotalsScan, Files: 3, Bytes: 9, Complete: true},
			[]Event{{Kind: EventTotals, Progress: Progress{Files: 3, Bytes: 9, Complete: true}}}},
		{"done", true, wire.Totals{Kind: wire.TotalsDone, Files: 2, Bytes: 5},
			[]Event{{Kind: EventProgress, Progress: Progress{Files: 2, Bytes: 5}}}},
		{"unknown kind", true, wire.Totals{Kind: 9, Files: 2}, nil},
		{"server ignores", false, wire.Totals{Kind: wire.TotalsScan, Files: 2}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []Event
			p := NewPeer(nil, Config{}, c.client, func(ev Event) { got = append(got, ev) })
			p.GotTotals(&c.m)
			if len(got) != len(c.want) || (len(got) == 1 && got[0] != c.want[0]) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

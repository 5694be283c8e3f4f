package tree

import "testing"

func TestIDMap(t *testing.T) {
	cases := []struct {
		spec      string
		group     bool
		uid       uint32
		user      string
		wantID    uint32
		wantName  string
		unchanged bool
	}{
		{spec: "*:65534", uid: 1000, user: "alice", wantID: 65534},
		{spec: "1000-2000:7,*:8", uid: 1500, user: "x", wantID: 7},
		{spec: "1000-2000:7,*:8", uid: 3000, user: "x", wantID: 8},
		{spec: "ali*:9", uid: 1000, user: "alice", wantID: 9},
		{spec: "ali*:9", uid: 1000, user: "bob", unchanged: true},
		{spec: "ali*:9", uid: 1000, user: "", unchanged: true}, // no name: only numbers match
		{spec: "0:root", uid: 0, user: "root", wantID: 0, wantName: "root"},
		{spec: "*:no-such-user-here", uid: 42, user: "x", wantID: 42, wantName: "no-such-user-here"},
		{spec: "5678:0", group: true, uid: 5678, user: "g", wantID: 0},
	}
	for _, c := range cases {
		m, err := ParseIDMap(c.spec, c.group)
		if err != nil {
			t.Fatalf("ParseIDMap(%q): %v", c.spec, err)
		}
		e := &Entry{UID: c.uid, User: c.user, GID: c.uid, Group: c.user}
		m.Apply(e)
		id, name := e.UID, e.User
		if c.group {
			id, name = e.GID, e.Group
		}
		if c.unchanged {
			if id != c.uid || name != c.user {
				t.Errorf("%q changed %d/%q to %d/%q", c.spec, c.uid, c.user, id, name)
			}
			continue
		}
		if id != c.wantID || name != c.wantName {
			t.Errorf("%q on %d/%q = %d/%q, want %d/%q", c.spec, c.uid, c.user, id, name, c.wantID, c.wantName)
		}
	}
	for _, bad := range []string{"", "a", ":b", "a:", "[:b"} {
		if _, err := ParseIDMap(bad, false); err == nil {
			t.Errorf("ParseIDMap(%q) succeeded", bad)
		}
	}
}

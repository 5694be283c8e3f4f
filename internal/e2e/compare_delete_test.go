package e2e

// deleteCases are the comparisons of rsync's deletion options: when
// deletions happen, how many may, and what a read error or a directory in
// the way of a file changes.
func deleteCases(junk []node) []compareCase {
	var cs []compareCase
	cs = append(cs,
		compareCase{name: "stale--delete-during", dest: staleDest, args: []string{"--delete-during"}},
		compareCase{name: "stale--del-excluded", dest: staleDest, args: []string{"--del", "--delete-excluded", "--exclude=*.o"}},
	)
	for _, when := range []string{"--delete-before", "--delete-delay", "--delete-after"} {
		cs = append(cs,
			compareCase{name: "stale" + when, dest: staleDest, args: []string{when}},
			compareCase{name: "stale" + when + "-noslash", dest: staleDest, args: []string{when}, noSlash: true},
			compareCase{name: "stale" + when + "-excluded", dest: staleDest, args: []string{when, "--delete-excluded", "--exclude=*.o"}},
			compareCase{name: "conflict/nonempty-dir" + when, dest: staleDest, extraDest: junk, args: []string{when}},
		)
	}
	for _, n := range []string{"0", "3", "1000"} {
		code := 25
		if n == "1000" {
			code = 0
		}
		cs = append(cs,
			compareCase{name: "stale/max-delete=" + n, dest: staleDest, args: []string{"--delete", "--max-delete=" + n}, wantCode: code},
			compareCase{name: "stale/max-delete=" + n + "-after", dest: staleDest, args: []string{"--delete-after", "--max-delete=" + n}, wantCode: code},
			compareCase{name: "stale/max-delete=" + n + "-before", dest: staleDest, args: []string{"--delete-before", "--max-delete=" + n}, wantCode: code},
		)
	}
	cs = append(cs,
		compareCase{name: "stale/max-delete=-1", dest: staleDest, args: []string{"--delete", "--max-delete=-1"}, wantCode: 25},
		compareCase{name: "stale/max-delete=1", dest: staleDest, args: []string{"--delete", "--max-delete=1"}, wantCode: 25},
		compareCase{name: "stale/max-delete=8-after", dest: staleDest, args: []string{"--delete-after", "--max-delete=8"}, wantCode: 25},
		compareCase{name: "stale/max-delete-no-delete", dest: staleDest, args: []string{"--max-delete=0"}},
		compareCase{name: "stale/max-delete=3-dry-run", dest: staleDest, args: []string{"-n", "--delete", "--max-delete=3"}, wantCode: 25},
		compareCase{name: "stale/max-delete=3-after-dry-run", dest: staleDest, args: []string{"-n", "--delete-after", "--max-delete=3"}, wantCode: 25},
		compareCase{name: "stale/delete-before-dry-run", dest: staleDest, args: []string{"-n", "--delete-before"}},
		compareCase{name: "conflict/nonempty-dir-force", dest: staleDest, extraDest: junk, args: []string{"--force"}},
		compareCase{name: "conflict/nonempty-dir-force-exclude", dest: staleDest, extraDest: junk, args: []string{"--force", "--exclude=junk"}, wantCode: 23},
		compareCase{name: "conflict/nonempty-dir-force-max-delete", dest: staleDest, extraDest: junk, args: []string{"--force", "--max-delete=0"}, wantCode: 23},
		compareCase{name: "stale/ignore-errors-delete", dest: staleDest, args: []string{"--delete", "--ignore-errors"}},
	)
	return cs
}

package e2e

// selectCases are the comparisons of rsync's options that choose which
// files move: --existing, --max-size, --min-size, --ignore-times and
// --modify-window.
func selectCases() []compareCase {
	// nsOnly differs from the source's z.tmp by a nanosecond of mtime
	// only; secOnly by 2 s: what the modify window decides.
	z := nodeMap(sourceNodes(fullTree))["z.tmp"]
	nsOnly, secOnly := z, z
	nsOnly.mtime++
	secOnly.mtime += 2e9
	ns := []node{nsOnly}
	sec := []node{secOnly}
	var cs []compareCase
	for _, args := range [][]string{
		{"--existing"}, {"--ignore-non-existing"}, {"--existing", "--delete"}, {"--existing", "-n"},
		{"--max-size=1K"}, {"--max-size=0"}, {"--max-size=2KB+1"}, {"--max-size=3M-1"}, {"--min-size=1K"}, {"--min-size=3M"},
		{"--min-size=100", "--max-size=2000", "--delete"}, {"--max-size=1.5k", "-n"},
		{"-I"}, {"--ignore-times", "--delete"}, {"-I", "-n"}, {"-I", "--size-only"}, {"-I", "-c"},
		{"--modify-window=10"}, {"-@", "1"}, {"--modify-window=0"}, {"-@-1"}, {"--modify-window=10", "--delete", "-u"},
	} {
		name := ""
		for _, a := range args {
			name += a
		}
		cs = append(cs, compareCase{name: "stale/" + name, dest: staleDest, args: args})
	}
	for _, args := range [][]string{{"--existing"}, {"--max-size=2KB+1"}, {"--min-size=1K"}, {"-I"}} {
		cs = append(cs, compareCase{name: "fresh/" + args[0], args: args})
	}
	for _, w := range []string{"0", "1", "3", "-1"} {
		cs = append(cs,
			compareCase{name: "mtime-ns/window=" + w, dest: staleDest, extraDest: ns, args: []string{"--modify-window=" + w}},
			compareCase{name: "mtime-2s/window=" + w, dest: staleDest, extraDest: sec, args: []string{"--modify-window=" + w}},
			compareCase{name: "mtime-2s/window=" + w + "-u", dest: staleDest, extraDest: sec, args: []string{"-u", "--modify-window=" + w}},
		)
	}
	cs = append(cs,
		// ferry's default is rsync's --modify-window=-1.
		compareCase{name: "mtime-ns/default", dest: staleDest, extraDest: ns, args: []string{"--modify-window=-1"}, ferryArgs: []string{}},
		compareCase{name: "existing/single-file", args: []string{"--existing"}, operands: func(src string) []string { return []string{src + "/top.txt"} }},
		compareCase{name: "existing/single-file-there", dest: staleDest, args: []string{"--existing"}, operands: func(src string) []string { return []string{src + "/top.txt"} }},
	)
	return cs
}

package e2e

import "slices"

// tweakCases compare --chmod, --chown, --usermap and --groupmap with
// rsync, on fresh and stale destinations (the receiver applies them).
// "a-s" clears setgid too since rsync 3.5.0 (internal/tree's
// TestChmodMatchesRsync compares --chmod in detail).
func tweakCases() []compareCase {
	var cs []compareCase
	for _, args := range [][]string{
		{"--chmod=Dg+s,ug+w,Fo-w,+X"},
		{"--chmod=D755,F644"},
		{"--chmod=u=rwX,go=rX", "--chmod=a-s"},
		{"--chmod==r,u+w"},
		{"--chown=65534:65534"},
		{"--chown=:nogroup"},
		{"--usermap=1000-2000:nobody,*:65534"},
		{"--groupmap=root:nogroup,5678:0"},
	} {
		var min [3]int
		if slices.Contains(args, "--chmod=a-s") {
			min = [3]int{3, 5, 0}
		}
		cs = append(cs,
			compareCase{name: "tweak/fresh" + args[0], args: args, minRsync: min},
			compareCase{name: "tweak/stale-delete" + args[0], dest: staleDest, args: append([]string{"--delete"}, args...), minRsync: min},
		)
	}
	return cs
}

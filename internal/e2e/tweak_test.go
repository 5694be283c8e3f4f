package e2e

// tweakCases compare --chmod, --chown, --usermap and --groupmap with
// rsync, on fresh and stale destinations, locally (the receiver applies
// them) and, in TestSSHTweaks, in a push (the sender does).
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
		cs = append(cs,
			compareCase{name: "tweak/fresh" + args[0], args: args},
			compareCase{name: "tweak/stale-delete" + args[0], dest: staleDest, args: append([]string{"--delete"}, args...)},
		)
	}
	return cs
}

package receiver

import "path"

// impliedDirs creates, with --no-implied-dirs, the missing parents of a
// pass path's entry, which the sender does not send: with default
// attributes, as rsync does, and leaving an existing one (a symlink to a
// directory, say) as it is. An entry whose directory is on the merge's
// stack came with it, so only a pass path's first entry can need them.
func (m *merger) impliedDirs(p string) {
	r := m.r
	if !r.Cfg.NoImpliedDirs || r.Cfg.DryRun || r.root == nil || m.dirOf(p) != nil {
		return
	}
	dir := path.Dir(p)
	if dir == "." || dir == m.implied {
		return
	}
	m.implied = dir
	if err := r.root.MkdirAll(dir, 0o777); err != nil {
		r.fail("mkdir", dir, err)
	}
}

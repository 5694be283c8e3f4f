package receiver

// dropStaleTemp removes the temp file name, met in the destination walk,
// when a killed run left it: older than this pass and held by no live
// writer (fsys.RemoveStaleTemp says how it tells). A dry run removes
// nothing. Failing to remove one is reported but fails nothing else.
func (r *Engine) dropStaleTemp(name string) {
	if r.Cfg.DryRun {
		return
	}
	if _, err := r.root.RemoveStaleTemp(name, r.passStart); err != nil {
		r.fail("remove stale temp", name, err)
	}
}

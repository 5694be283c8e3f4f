package daemon

// listProxied is filled in by the listing of proxy modules.
func (c *serverConn) listProxied(ml *moduleList) {}

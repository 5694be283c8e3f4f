package daemon

// config returns the configuration new connections are served by.
func (s *Server) config() *Config {
	if c := s.live.Load(); c != nil {
		return c
	}
	return s.cfg
}

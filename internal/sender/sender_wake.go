package sender

// wakeOnDown wakes a sender waiting for entry credit when the connection
// goes down (a timeout, a peer gone): no credit will ever come.
func (s *Engine) wakeOnDown() {
	if s.Link == nil { // a sender built without a connection (unit tests)
		return
	}
	<-s.Link.Done()
	s.mu.Lock()
	s.cond.Broadcast()
	s.mu.Unlock()
}

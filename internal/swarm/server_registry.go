package swarm

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// registry answers REGISTER_BEGIN, REGISTER and GET_MIRRORS.
func (s *server) registry(t msgType, b []byte) error {
	refuse := func(msg string) error {
		_, err := s.w.Write(frame(msgFail, failMsg{Code: FailRefused, Message: msg}.marshal()))
		return err
	}
	reg := s.o.Registry
	if reg == nil {
		return fmt.Errorf("%w: %s without %s", ErrProtocol, t, CapRegistry)
	}
	switch t {
	case msgGetFetchers:
		d := dec{t: t, b: b}
		gen := d.hash()
		if err := d.done(); err != nil {
			return err
		}
		var out [4]byte
		binary.BigEndian.PutUint32(out[:], uint32(reg.Fetchers(gen)))
		_, err := s.w.Write(frame(msgFetchers, out[:]))
		return err
	case msgRegBegin:
		if len(b) != 0 {
			return fmt.Errorf("%w: REGISTER_BEGIN with a payload", ErrProtocol)
		}
		var n [32]byte
		rand.Read(n[:])
		s.nonce = &n
		_, err := s.w.Write(frame(msgRegChallenge, n[:]))
		return err
	case msgRegister:
		var r registerReq
		if err := r.unmarshal(b); err != nil {
			return err
		}
		nonce := s.nonce
		s.nonce = nil // one registration per challenge
		if nonce == nil {
			return fmt.Errorf("%w: REGISTER without REGISTER_BEGIN", ErrProtocol)
		}
		if s.o.Authorize == nil || !s.o.Authorize(r.User, RegMessage(*nonce, r.User, r.Address, r.Gen, r.TTL), r.MAC) {
			return refuse("registration refused")
		}
		if r.Address == "" || r.Gen == (Hash{}) {
			return refuse("registration needs an address and a generation")
		}
		ttl, ok := reg.Register(r.Address, r.User, r.Gen, time.Duration(r.TTL)*time.Second)
		if !ok {
			return refuse("too many mirrors")
		}
		var out [4]byte
		binary.BigEndian.PutUint32(out[:], uint32(ttl/time.Second))
		_, err := s.w.Write(frame(msgRegistered, out[:]))
		return err
	case msgGetMirrors:
		d := dec{t: t, b: b}
		gen := d.hash()
		if err := d.done(); err != nil {
			return err
		}
		ms := reg.Live()
		if gen != (Hash{}) {
			ms = reg.Nominate(gen)
		}
		_, err := s.w.Write(frame(msgMirrors, marshalMirrors(ms)))
		return err
	}
	return nil
}

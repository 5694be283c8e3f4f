package swarm

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"
)

// Signer authenticates a mirror's registration: MAC returns the MAC of
// User over a RegMessage.
type Signer struct {
	User string
	MAC  func(msg []byte) ([32]byte, error)
}

// Register lists address (what clients dial) with the origin as a mirror
// of generation gen for ttl, and returns the TTL granted.
func (c *Client) Register(ctx context.Context, address string, gen Hash, ttl time.Duration, sg Signer) (time.Duration, error) {
	if !hasCaps(c.Info.Caps, CapRegistry) {
		return 0, fmt.Errorf("%w: the origin takes no registrations", ErrProtocol)
	}
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	if err := c.write(frame(msgRegBegin)); err != nil {
		return 0, err
	}
	b, err := c.expect(msgRegChallenge)
	if err != nil {
		return 0, err
	}
	if len(b) != 32 {
		return 0, fmt.Errorf("%w: REGISTER_CHALLENGE of %d bytes", ErrProtocol, len(b))
	}
	var nonce [32]byte
	copy(nonce[:], b)
	secs := uint32(ttl / time.Second)
	mac, err := sg.MAC(RegMessage(nonce, sg.User, address, gen, secs))
	if err != nil {
		return 0, err
	}
	r := registerReq{User: sg.User, MAC: mac, Address: address, Gen: gen, TTL: secs}
	if err := c.write(frame(msgRegister, r.marshal())); err != nil {
		return 0, err
	}
	if b, err = c.expect(msgRegistered); err != nil {
		return 0, err
	}
	if len(b) != 4 {
		return 0, fmt.Errorf("%w: REGISTERED of %d bytes", ErrProtocol, len(b))
	}
	return time.Duration(binary.BigEndian.Uint32(b)) * time.Second, nil
}

// Mirrors asks the origin for its live mirrors at generation gen (zero:
// all live mirrors, whatever they hold).
func (c *Client) Mirrors(ctx context.Context, gen Hash) ([]MirrorInfo, error) {
	if !hasCaps(c.Info.Caps, CapRegistry) {
		return nil, nil
	}
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	if err := c.write(frame(msgGetMirrors, gen[:])); err != nil {
		return nil, err
	}
	b, err := c.expect(msgMirrors)
	if err != nil {
		return nil, err
	}
	return unmarshalMirrors(b)
}

// ErrRefused reports a FAIL answer to a registry request.
var ErrRefused = fmt.Errorf("ferry: the origin refused")

// expect reads one frame of type want; FAIL becomes ErrRefused.
func (c *Client) expect(want msgType) ([]byte, error) {
	t, b, err := readFrame(c.r, maxServerFrame)
	if err != nil {
		return nil, err
	}
	if t == msgFail {
		var f failMsg
		if err := f.unmarshal(b); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s", ErrRefused, f.Message)
	}
	if t != want {
		return nil, fmt.Errorf("%w: got %s, want %s", ErrProtocol, t, want)
	}
	return b, nil
}

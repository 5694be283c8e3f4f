package daemon

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// message is implemented by every daemon-phase message for the tests.
type message interface{ marshal() []byte }

func sampleMessages() map[msgType]message {
	return map[msgType]message{
		msgHello:    hello{Version: 1, Software: "ferry test"},
		msgGreeting: greeting{Version: 1, Name: "srv", Motd: "welcome\nto ferry\n"},
		msgModules: moduleList{Modules: []ModuleInfo{
			{Name: "data", Comment: "the data", Flags: FlagReadOnly},
			{Name: "priv", Comment: "", Flags: FlagAuth | FlagWriteOnly},
		}},
		msgOpen:      openRequest{Module: "data", Role: RoleReceiver, Hops: 2},
		msgChallenge: challenge{Nonce: [32]byte{1, 2, 3, 31: 9}},
		msgAuth:      authResponse{User: "alice", MAC: [32]byte{7, 31: 8}},
		msgReady:     ready{Flags: FlagAuth},
		msgError:     errorMsg{Code: CodeTooMany, Message: "max connections (1) reached"},
		msgRedirect:  redirectMsg{URL: "ferrys://[::1]:9000/data"},
		msgForward:   forwardMsg{Client: "2001:db8::1", Via: "gw", ViaModule: "pub"},
		msgQuery:     queryMsg{Module: "data", Hops: 3},
		msgAnswer:    answerMsg{Have: true, Flags: FlagAuth, Comment: "upstream data"},
	}
}

// decodeMessage decodes a payload of type t into a fresh message.
func decodeMessage(t msgType, p []byte) (message, error) {
	switch t {
	case msgHello:
		var m hello
		err := m.unmarshal(p)
		return m, err
	case msgGreeting:
		var m greeting
		err := m.unmarshal(p)
		return m, err
	case msgModules:
		var m moduleList
		err := m.unmarshal(p)
		return m, err
	case msgOpen:
		var m openRequest
		err := m.unmarshal(p)
		return m, err
	case msgRedirect:
		var m redirectMsg
		err := m.unmarshal(p)
		return m, err
	case msgForward:
		var m forwardMsg
		err := m.unmarshal(p)
		return m, err
	case msgQuery:
		var m queryMsg
		err := m.unmarshal(p)
		return m, err
	case msgAnswer:
		var m answerMsg
		err := m.unmarshal(p)
		return m, err
	case msgChallenge:
		var m challenge
		err := m.unmarshal(p)
		return m, err
	case msgAuth:
		var m authResponse
		err := m.unmarshal(p)
		return m, err
	case msgReady:
		var m ready
		err := m.unmarshal(p)
		return m, err
	case msgError:
		var m errorMsg
		err := m.unmarshal(p)
		return m, err
	}
	return nil, ErrProtocol
}

func TestMessageRoundTrip(t *testing.T) {
	for typ, m := range sampleMessages() {
		t.Run(typ.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeFrame(&buf, typ, m.marshal()); err != nil {
				t.Fatal(err)
			}
			f, err := readFrame(iotest.OneByteReader(&buf), MaxFramePayload)
			if err != nil {
				t.Fatal(err)
			}
			if f.typ != typ {
				t.Fatalf("type %s, want %s", f.typ, typ)
			}
			got, err := decodeMessage(typ, f.payload)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("got %+v, want %+v", got, m)
			}
		})
	}
}

func TestMessageDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", maxNameLen+1)
	tests := []struct {
		name string
		typ  msgType
		p    []byte
		want string
	}{
		{"hello bad magic", msgHello, append([]byte("RSYNCD"), 0, 1, 0, 0), "bad magic"},
		{"hello short", msgHello, []byte("FERRYD\x00"), "need 2 bytes"},
		{"hello trailing", msgHello, append(hello{Version: 1}.marshal(), 0), "trailing"},
		{"hello long software", msgHello, hello{Version: 1, Software: long}.marshal(), "max 255"},
		{"hello bad utf8", msgHello, append([]byte("FERRYD\x00\x01\x00\x02"), 0xff, 0xfe), "UTF-8"},
		{"open bad role", msgOpen, openRequest{Module: "m", Role: 9}.marshal(), "unknown role"},
		{"open string past end", msgOpen, []byte{0, 10, 'a'}, "need 10 bytes"},
		{"open module too long", msgOpen, []byte{0xff, 0xff, 'a'}, "max 255"},
		{"auth short mac", msgAuth, []byte{0, 1, 'u', 1, 2, 3}, "mac"},
		{"challenge short", msgChallenge, make([]byte, 31), "nonce"},
		{"modules count past end", msgModules, []byte{0, 5}, "module name"},
		{"ready empty", msgReady, nil, "flags"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMessage(tc.typ, tc.p)
			if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrProtocol containing %q", err, tc.want)
			}
		})
	}
}

func TestReadFrameLimits(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"oversized length", []byte{1, 0xff, 0xff, 0xff, 0xff}, ErrFrameTooLarge},
		{"just over max", []byte{1, 0, 0x10, 0, 1}, ErrFrameTooLarge},
		{"truncated header", []byte{1, 0}, nil},
		{"truncated payload", []byte{1, 0, 0, 0, 4, 'a'}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readFrame(bytes.NewReader(tc.in), MaxFramePayload)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

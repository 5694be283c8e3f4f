package daemon

import "fmt"

// msgType is the first byte of a daemon-phase frame.
type msgType uint8

// Message types of the daemon phase (docs/DAEMON.md, "Messages").
const (
	msgHello     msgType = 0x01 // client -> server
	msgGreeting  msgType = 0x02 // server -> client
	msgList      msgType = 0x03 // client -> server
	msgModules   msgType = 0x04 // server -> client
	msgOpen      msgType = 0x05 // client -> server
	msgChallenge msgType = 0x06 // server -> client
	msgAuth      msgType = 0x07 // client -> server
	msgReady     msgType = 0x08 // server -> client
	msgError     msgType = 0x09 // server -> client
)

func (t msgType) String() string {
	switch t {
	case msgHello:
		return "HELLO"
	case msgGreeting:
		return "GREETING"
	case msgList:
		return "LIST"
	case msgModules:
		return "MODULES"
	case msgOpen:
		return "OPEN"
	case msgChallenge:
		return "CHALLENGE"
	case msgAuth:
		return "AUTH"
	case msgReady:
		return "READY"
	case msgError:
		return "ERROR"
	case msgRedirect:
		return "REDIRECT"
	case msgForward:
		return "FORWARD"
	case msgQuery:
		return "QUERY"
	case msgAnswer:
		return "ANSWER"
	}
	return fmt.Sprintf("message 0x%02x", uint8(t))
}

// ProtocolVersion is the highest daemon-phase version this package speaks.
// Version 2 adds capability lists to GREETING and OPEN (msg_gateway.go);
// a peer speaking version 1 is served as before.
const ProtocolVersion = 2

// helloMagic opens every HELLO payload so that a stray client (an HTTP
// request, an rsync client) is told apart from a ferry client at once.
const helloMagic = "FERRYD"

// Field limits, checked by the decoders.
const (
	maxNameLen    = 255  // module, user, server and software names
	maxCommentLen = 1024 // module comments
	maxMessageLen = 4096 // error messages
	maxMotdLen    = maxString
	nonceLen      = 32 // challenge size
	macLen        = 32 // HMAC-SHA256 size
)

// Module flags in MODULES and READY.
const (
	FlagAuth      uint8 = 1 << 0 // the module requires authentication
	FlagReadOnly  uint8 = 1 << 1 // clients may only pull (the daemon sends)
	FlagWriteOnly uint8 = 1 << 2 // clients may only push (the daemon receives)
	FlagSwarm     uint8 = 1 << 3 // the module serves manifests and chunks (RoleSwarm)
)

// Role is what the daemon does in the sync session a client opens.
type Role uint8

// Roles a client may request in OPEN.
const (
	RoleSender   Role = 1 // the daemon sends: the client pulls from the module
	RoleReceiver Role = 2 // the daemon receives: the client pushes into the module
	RoleSwarm    Role = 3 // the daemon serves manifests and chunks (internal/swarm)
)

func (r Role) String() string {
	switch r {
	case RoleSender:
		return "sender"
	case RoleReceiver:
		return "receiver"
	case RoleSwarm:
		return "swarm"
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// hello is the client's first message.
type hello struct {
	Version  uint16 // highest version the client speaks
	Software string // e.g. "ferry 0.1"
}

// greeting is the server's answer to hello.
type greeting struct {
	Version uint16   // version chosen for this connection
	Name    string   // server name, part of the authenticated data
	Motd    string   // message of the day, may be empty
	Caps    []string // server capabilities (version 2 on)
}

// ModuleInfo is one entry of a module listing.
type ModuleInfo struct {
	Name    string
	Comment string
	Flags   uint8 // FlagAuth, FlagReadOnly, FlagWriteOnly
}

// moduleList answers LIST.
type moduleList struct{ Modules []ModuleInfo }

// openRequest asks for a module.
type openRequest struct {
	Module string
	Role   Role
	// Hops counts daemons the request already went through (for proxying
	// and redirects, a later feature); a direct client sends 0.
	Hops uint8
	// Caps are the client's capabilities (on the wire from version 2).
	Caps []string
	// Version is the connection's daemon-phase version, which says
	// whether Caps is on the wire; not itself sent.
	Version uint16
}

// challenge is the server's random nonce for an auth module.
type challenge struct{ Nonce [nonceLen]byte }

// authResponse answers a challenge.
type authResponse struct {
	User string
	MAC  [macLen]byte
}

// ready hands the connection to the sync session.
type ready struct{ Flags uint8 }

// errorMsg is sent before the server closes a connection it refuses.
type errorMsg struct {
	Code    ErrorCode
	Message string
}

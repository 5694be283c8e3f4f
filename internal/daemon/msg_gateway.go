package daemon

import "slices"

// Gateway messages and capabilities (docs/DAEMON.md, "Gateways"). From
// daemon-phase version 2 on, GREETING ends with the server's capability
// names and OPEN with the client's; a message below is sent only to a
// peer that named its capability, so a peer that lacks one (or speaks
// version 1) never sees it.
const (
	// msgRedirect answers OPEN: the module lives at another address
	// (server -> client, only to a client with CapRedirect).
	msgRedirect msgType = 0x0a
	// msgForward precedes OPEN from a gateway: the address of the client
	// it proxies for, and the name and module that client opened (gateway
	// -> backend, only to a server with CapForward).
	msgForward msgType = 0x0b
	// msgQuery asks whether the server has a module (gateway -> its
	// upstream, only to a server with CapQuery), instead of LIST or OPEN.
	msgQuery msgType = 0x0c
	// msgAnswer answers QUERY; the server then closes.
	msgAnswer msgType = 0x0d
)

// Capability names carried in GREETING and OPEN (version 2).
const (
	// CapRedirect in OPEN: the client follows REDIRECT.
	CapRedirect = "redirect"
	// CapForward in GREETING: the server reads FORWARD before OPEN.
	CapForward = "forward"
	// CapQuery in GREETING: the server answers QUERY.
	CapQuery = "query"
)

// capsVersion is the first daemon-phase version with capability lists.
const capsVersion = 2

// maxCaps bounds the capability names of one message.
const maxCaps = 64

// maxChallenges bounds the CHALLENGEs a client answers for one OPEN: a
// gateway module's own, its backend's, and a few gateways more.
const maxChallenges = 4

// maxURLLen bounds a REDIRECT's address.
const maxURLLen = 1024

// redirectMsg tells the client where the module it opened lives.
type redirectMsg struct {
	// URL is "ferry://host[:port]/module" or "ferrys://...".
	URL string
}

// forwardMsg is a gateway's word about the client it proxies for.
type forwardMsg struct {
	// Client is the client's IP address as the gateway saw it.
	Client string
	// Via is the gateway's server name, and ViaModule the module the
	// client opened there: the names the client's AUTH answer is bound to.
	Via, ViaModule string
}

func (m redirectMsg) marshal() []byte {
	var e encoder
	e.str(m.URL)
	return e.buf
}

func (m *redirectMsg) unmarshal(b []byte) error {
	d := decoder{msg: msgRedirect, buf: b}
	m.URL = d.str("url", maxURLLen)
	if d.err == nil {
		if _, err := parseModuleURL(m.URL); err != nil {
			d.fail("url %q: %v", m.URL, err)
		}
	}
	return d.done()
}

func (m forwardMsg) marshal() []byte {
	var e encoder
	e.str(m.Client)
	e.str(m.Via)
	e.str(m.ViaModule)
	return e.buf
}

func (m *forwardMsg) unmarshal(b []byte) error {
	d := decoder{msg: msgForward, buf: b}
	m.Client = d.str("client", maxNameLen)
	m.Via = d.str("via", maxNameLen)
	m.ViaModule = d.str("via module", maxNameLen)
	return d.done()
}

// queryMsg asks for a module, Hops daemons into a chain of queries.
type queryMsg struct {
	Module string
	Hops   uint8
}

// answerMsg answers a query: whether the server has the module (itself,
// as a gateway module, or through its own upstreams), and its listing.
type answerMsg struct {
	Have    bool
	Flags   uint8
	Comment string
}

func (m queryMsg) marshal() []byte {
	var e encoder
	e.str(m.Module)
	e.u8(m.Hops)
	return e.buf
}

func (m *queryMsg) unmarshal(b []byte) error {
	d := decoder{msg: msgQuery, buf: b}
	m.Module = d.str("module", maxNameLen)
	m.Hops = d.u8("hops")
	return d.done()
}

func (m answerMsg) marshal() []byte {
	var e encoder
	have := uint8(0)
	if m.Have {
		have = 1
	}
	e.u8(have)
	e.u8(m.Flags)
	e.str(m.Comment)
	return e.buf
}

func (m *answerMsg) unmarshal(b []byte) error {
	d := decoder{msg: msgAnswer, buf: b}
	have := d.u8("have")
	m.Flags = d.u8("flags")
	m.Comment = d.str("comment", maxCommentLen)
	if d.err == nil && have > 1 {
		d.fail("have = %d", have)
	}
	m.Have = have == 1
	if d.err == nil && !m.Have && (m.Flags != 0 || m.Comment != "") {
		d.fail("a negative answer with flags or a comment")
	}
	return d.done()
}

// putCaps appends a capability list: u16 count, then each name as str.
func (e *encoder) caps(names []string) {
	e.u16(uint16(len(names)))
	for _, n := range names {
		e.str(n)
	}
}

// caps reads a capability list; unknown names are kept (and ignored by
// whoever asks for a known one).
func (d *decoder) caps() []string {
	n := int(d.u16("capability count"))
	if n > maxCaps {
		d.fail("%d capabilities (max %d)", n, maxCaps)
		return nil
	}
	var out []string
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.str("capability", maxNameLen))
	}
	return out
}

// hasCap reports whether caps names c.
func hasCap(caps []string, c string) bool { return slices.Contains(caps, c) }

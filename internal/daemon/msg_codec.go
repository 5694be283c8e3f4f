package daemon

func (m hello) marshal() []byte {
	var e encoder
	e.raw([]byte(helloMagic))
	e.u16(m.Version)
	e.str(m.Software)
	return e.buf
}

func (m *hello) unmarshal(b []byte) error {
	d := decoder{msg: msgHello, buf: b}
	if magic := d.take(len(helloMagic), "magic"); d.err == nil && string(magic) != helloMagic {
		d.fail("bad magic %q", magic)
	}
	m.Version = d.u16("version")
	m.Software = d.str("software", maxNameLen)
	return d.done()
}

func (m greeting) marshal() []byte {
	var e encoder
	e.u16(m.Version)
	e.str(m.Name)
	e.str(m.Motd)
	if m.Version >= capsVersion {
		e.caps(m.Caps)
	}
	return e.buf
}

func (m *greeting) unmarshal(b []byte) error {
	d := decoder{msg: msgGreeting, buf: b}
	m.Version = d.u16("version")
	m.Name = d.str("name", maxNameLen)
	m.Motd = d.str("motd", maxMotdLen)
	if m.Version >= capsVersion {
		m.Caps = d.caps()
	}
	return d.done()
}

func (m moduleList) marshal() []byte {
	var e encoder
	e.u16(uint16(len(m.Modules)))
	for _, mod := range m.Modules {
		e.str(mod.Name)
		e.str(mod.Comment)
		e.u8(mod.Flags)
	}
	return e.buf
}

func (m *moduleList) unmarshal(b []byte) error {
	d := decoder{msg: msgModules, buf: b}
	n := int(d.u16("count"))
	m.Modules = nil
	for i := 0; i < n && d.err == nil; i++ {
		var mod ModuleInfo
		mod.Name = d.str("module name", maxNameLen)
		mod.Comment = d.str("comment", maxCommentLen)
		mod.Flags = d.u8("flags")
		if d.err == nil {
			m.Modules = append(m.Modules, mod)
		}
	}
	return d.done()
}

func (m openRequest) marshal() []byte {
	var e encoder
	e.str(m.Module)
	e.u8(uint8(m.Role))
	e.u8(m.Hops)
	if m.Version >= capsVersion {
		e.caps(m.Caps)
	}
	return e.buf
}

func (m *openRequest) unmarshal(b []byte) error {
	d := decoder{msg: msgOpen, buf: b}
	m.Module = d.str("module", maxNameLen)
	m.Role = Role(d.u8("role"))
	m.Hops = d.u8("hops")
	if m.Version >= capsVersion {
		m.Caps = d.caps()
	}
	if d.err == nil && m.Role != RoleSender && m.Role != RoleReceiver && m.Role != RoleSwarm {
		d.fail("unknown role %d", m.Role)
	}
	return d.done()
}

func (m challenge) marshal() []byte { return append([]byte(nil), m.Nonce[:]...) }

func (m *challenge) unmarshal(b []byte) error {
	d := decoder{msg: msgChallenge, buf: b}
	copy(m.Nonce[:], d.take(nonceLen, "nonce"))
	return d.done()
}

func (m authResponse) marshal() []byte {
	var e encoder
	e.str(m.User)
	e.raw(m.MAC[:])
	return e.buf
}

func (m *authResponse) unmarshal(b []byte) error {
	d := decoder{msg: msgAuth, buf: b}
	m.User = d.str("user", maxNameLen)
	copy(m.MAC[:], d.take(macLen, "mac"))
	return d.done()
}

func (m ready) marshal() []byte { return []byte{m.Flags} }

func (m *ready) unmarshal(b []byte) error {
	d := decoder{msg: msgReady, buf: b}
	m.Flags = d.u8("flags")
	return d.done()
}

func (m errorMsg) marshal() []byte {
	var e encoder
	e.u16(uint16(m.Code))
	e.str(m.Message)
	return e.buf
}

func (m *errorMsg) unmarshal(b []byte) error {
	d := decoder{msg: msgError, buf: b}
	m.Code = ErrorCode(d.u16("code"))
	m.Message = d.str("message", maxMessageLen)
	return d.done()
}

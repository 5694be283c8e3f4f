package daemon

import (
	"fmt"
	"os/user"
	"strconv"
	"time"
)

// Duration is a TOML duration: a string such as "90s" or "5m", or an
// integer number of seconds.
type Duration time.Duration

// UnmarshalTOML implements toml.Unmarshaler.
func (d *Duration) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		x, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("duration %q: %w", v, err)
		}
		if x < 0 {
			return fmt.Errorf("duration %q: negative", v)
		}
		*d = Duration(x)
	case int64:
		if v < 0 || v > int64(365*24*time.Hour/time.Second) {
			return fmt.Errorf("duration %d seconds: out of range", v)
		}
		*d = Duration(time.Duration(v) * time.Second)
	default:
		return fmt.Errorf("duration: want a string like \"30s\" or a number of seconds, got %T", v)
	}
	return nil
}

// IDSpec is a user or group given by name or number.
type IDSpec struct {
	Set  bool
	Name string // when given by name
	ID   int    // when given by number, or after lookup
}

// UnmarshalTOML implements toml.Unmarshaler.
func (s *IDSpec) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		if v == "" {
			return fmt.Errorf("empty name")
		}
		if n, err := strconv.Atoi(v); err == nil {
			*s = IDSpec{Set: true, ID: n}
			break
		}
		*s = IDSpec{Set: true, Name: v}
	case int64:
		if v < 0 || v > 1<<31-1 {
			return fmt.Errorf("id %d out of range", v)
		}
		*s = IDSpec{Set: true, ID: int(v)}
	default:
		return fmt.Errorf("want a name or a number, got %T", v)
	}
	return nil
}

// lookupUser resolves a user IDSpec to a uid.
func (s IDSpec) lookupUser() (int, error) {
	if !s.Set {
		return -1, nil
	}
	if s.Name == "" {
		return s.ID, nil
	}
	u, err := user.Lookup(s.Name)
	if err != nil {
		return -1, fmt.Errorf("user %q: %w", s.Name, err)
	}
	return strconv.Atoi(u.Uid)
}

// lookupGroup resolves a group IDSpec to a gid.
func (s IDSpec) lookupGroup() (int, error) {
	if !s.Set {
		return -1, nil
	}
	if s.Name == "" {
		return s.ID, nil
	}
	g, err := user.LookupGroup(s.Name)
	if err != nil {
		return -1, fmt.Errorf("group %q: %w", s.Name, err)
	}
	return strconv.Atoi(g.Gid)
}

package session

import "github.com/ferrysync/ferry/internal/role"

// testHooks are the roles' test hooks (role.TestHooks), under a name no
// test's local variable named role shadows.
var testHooks = &role.TestHooks

// roleConn is what the Wrote hook gets: the link, as the roles see it.
type roleConn = role.Conn

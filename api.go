package switchyard

import "time"

// The request and response bodies of the identity API, shared by the server
// (httpapi) and the Go client (client).

// LoginRequest is the body of POST /api/auth/login and POST /api/auth/token.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// TokenName names the API token POST /api/auth/token issues.
	TokenName string `json:"tokenName,omitempty"`
}

// LoginResponse is returned by a console login and GET /api/auth/me.
type LoginResponse struct {
	User      *User  `json:"user"`
	CSRFToken string `json:"csrfToken,omitempty" doc:"send it back in the X-CSRF-Token header on every write made with the session cookie"`
	Via       string `json:"via" enum:"session,token"`
}

// NewUser is the body of POST /api/users.
type NewUser struct {
	Name        string   `json:"name"`
	DisplayName string   `json:"displayName,omitempty"`
	Role        Role     `json:"role" enum:"admin,operator,viewer,agent"`
	Groups      []string `json:"groups,omitempty"`
	Password    string   `json:"password" doc:"at least 8 characters"`
}

// UserUpdate is the body of PATCH /api/users/{name}; nil fields are kept.
type UserUpdate struct {
	Revision    int64     `json:"revision" doc:"the revision the change is based on"`
	DisplayName *string   `json:"displayName,omitempty"`
	Role        *Role     `json:"role,omitempty" enum:"admin,operator,viewer,agent"`
	Groups      *[]string `json:"groups,omitempty"`
	Disabled    *bool     `json:"disabled,omitempty"`
	Password    *string   `json:"password,omitempty" doc:"a new password (admin reset): ends every session of the user"`
	// RevokeTokens revokes every API token of the user (with a password
	// reset, or alone).
	RevokeTokens bool `json:"revokeTokens,omitempty" doc:"also revoke every API token of the user"`
}

// PasswordChange is the body of PUT /api/auth/password.
type PasswordChange struct {
	Current string `json:"current"`
	New     string `json:"new" doc:"the new password; every other session of yours ends"`
	// RevokeTokens also revokes your API tokens (except the one making the
	// change, when it is made with a token).
	RevokeTokens bool `json:"revokeTokens,omitempty" doc:"also revoke your API tokens (except the one making the change)"`
}

// NewGroup is the body of POST /api/groups.
type NewGroup struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// GroupUpdate is the body of PATCH /api/groups/{name}.
type GroupUpdate struct {
	Revision    int64   `json:"revision"`
	Description *string `json:"description,omitempty"`
}

// TokenRequest is the body of POST /api/tokens.
type TokenRequest struct {
	Name      string `json:"name"`
	ExpiresIn string `json:"expiresIn,omitempty" doc:"a Go duration such as 720h; empty = never expires"`
}

// IssuedToken is returned once when a token is created; Secret is never
// shown again.
type IssuedToken struct {
	Token  *Token `json:"token"`
	Secret string `json:"secret"`
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []*AuditEntry `json:"entries"`
	Next    string        `json:"next,omitempty" doc:"pass as before= to get the next page"`
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status  string            `json:"status" enum:"ok,unavailable"`
	Checks  map[string]string `json:"checks,omitempty"`
	Version string            `json:"version,omitempty"`
	Time    time.Time         `json:"time"`
}

package switchyard

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Role is what a user may do. Roles are ordered: admin ⊃ operator ⊃ viewer.
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"    // everything, on every group; manages users, groups and locks
	RoleOperator Role = "operator" // operates releases of the groups they belong to
	RoleViewer   Role = "viewer"   // reads only
	// RoleAgent is for data-plane processes (gateways, sidecars, SDK
	// services): they register instances, read and watch rules and report
	// metrics, and read like a viewer; they change nothing else.
	RoleAgent Role = "agent"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleOperator || r == RoleViewer || r == RoleAgent
}

// rank orders roles for AtLeast.
func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleOperator:
		return 2
	case RoleViewer, RoleAgent:
		return 1
	}
	return 0
}

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// User is a local account. PasswordHash never leaves the server.
type User struct {
	ID           string    `json:"id"`
	Name         string    `json:"name" doc:"login name, unique, immutable"`
	DisplayName  string    `json:"displayName"`
	Role         Role      `json:"role" enum:"admin,operator,viewer,agent"`
	Groups       []string  `json:"groups" doc:"names of the groups the user belongs to"`
	Disabled     bool      `json:"disabled"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	Revision     int64     `json:"revision" doc:"optimistic-concurrency revision; send it back on update"`
}

// InGroup reports whether u belongs to group.
func (u *User) InGroup(group string) bool { return slices.Contains(u.Groups, group) }

// MayOperate reports whether u may change releases of group: admins on all
// groups, operators on their own groups, viewers never.
func (u *User) MayOperate(group string) bool {
	if u.Disabled {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleOperator:
		return u.InGroup(group)
	}
	return false
}

// MaxNameLength is the longest user or group name.
const MaxNameLength = 63

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// ValidateName checks a user or group name: 1–63 characters of lower-case
// letters, digits, '.', '_' and '-', starting with a letter or digit. The
// error never repeats a long name: what was sent may be megabytes.
func ValidateName(field, name string) error {
	if name == "" {
		return FieldErrorf(field, "name.required", "%s is required", field)
	}
	if len(name) > MaxNameLength {
		return FieldErrorf(field, "field.length", "%s must be at most %d characters (it has %d bytes)", field, MaxNameLength, len(name)).
			WithReason("field.length", map[string]string{"field": field, "max": strconv.Itoa(MaxNameLength)})
	}
	if !nameRE.MatchString(name) {
		return FieldErrorf(field, "name.format", "%s %q must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", field, name)
	}
	return nil
}

// Validate checks the fields a user is stored with.
func (u *User) Validate() error {
	if err := ValidateName("name", u.Name); err != nil {
		return err
	}
	if len(u.DisplayName) > 200 {
		return FieldErrorf("displayName", "displayName.length", "displayName must be at most 200 characters")
	}
	if err := ValidateText("displayName", u.DisplayName, 200, false); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return FieldErrorf("role", "role.invalid", "role %q must be one of admin, operator, viewer, agent", u.Role)
	}
	for i, g := range u.Groups {
		if err := ValidateName("groups", g); err != nil {
			return err
		}
		if slices.Contains(u.Groups[:i], g) {
			return FieldErrorf("groups", "groups.duplicate", "group %q is listed twice", g)
		}
	}
	return nil
}

// UserFilter narrows FindUsers. Zero fields match everything.
type UserFilter struct {
	Group string
}

// UserStore keeps users and their group memberships.
type UserStore interface {
	// CreateUser stores u with a new ID and revision 1. CodeConflict if the
	// name is taken, CodeInvalid if a group does not exist.
	CreateUser(ctx context.Context, u *User) error
	// FindUser returns the user by ID; CodeNotFound if none.
	FindUser(ctx context.Context, id string) (*User, error)
	// FindUserByName returns the user by name; CodeNotFound if none.
	FindUserByName(ctx context.Context, name string) (*User, error)
	// FindUsers lists users ordered by name.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, error)
	// UpdateUser replaces the mutable fields of the user with u.ID if its
	// revision equals u.Revision, then increments u.Revision. CodeConflict on
	// a stale revision, CodeNotFound if the user is gone.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, its sessions and tokens if revision matches
	// (0 skips the check). CodeNotFound / CodeConflict as UpdateUser.
	DeleteUser(ctx context.Context, id string, revision int64) error
	// CountUsers returns the number of users.
	CountUsers(ctx context.Context) (int, error)
}

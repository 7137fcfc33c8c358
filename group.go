package switchyard

import (
	"context"
	"time"
)

// Group is a team (a department). Its name is the registry group its members
// release, so a user in group "order-group" may operate releases of the
// "order-group" services.
type Group struct {
	Name        string    `json:"name" doc:"unique, immutable; equals the registry group name"`
	Description string    `json:"description"`
	Members     []string  `json:"members" doc:"names of the users in the group (read only; set on the user)"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Revision    int64     `json:"revision"`
}

// Validate checks the stored fields of g.
func (g *Group) Validate() error {
	if err := ValidateName("name", g.Name); err != nil {
		return err
	}
	if len(g.Description) > 1000 {
		return FieldErrorf("description", "description.length", "description must be at most 1000 characters")
	}
	if err := ValidateText("description", g.Description, 1000, true); err != nil {
		return err
	}
	return nil
}

// GroupStore keeps groups.
type GroupStore interface {
	// CreateGroup stores g with revision 1; CodeConflict if the name exists.
	CreateGroup(ctx context.Context, g *Group) error
	// FindGroup returns the group with its members; CodeNotFound if none.
	FindGroup(ctx context.Context, name string) (*Group, error)
	// FindGroups lists groups ordered by name, with members.
	FindGroups(ctx context.Context) ([]*Group, error)
	// UpdateGroup replaces the description if the revision matches.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes the group and its memberships if revision matches
	// (0 skips the check).
	DeleteGroup(ctx context.Context, name string, revision int64) error
}

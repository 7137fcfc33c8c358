package auth

import (
	"context"
	"fmt"

	"github.com/switchyard-io/switchyard"
)

// CreateUser validates nu, hashes its password and stores the user.
func (s *Service) CreateUser(ctx context.Context, nu switchyard.NewUser) (*switchyard.User, error) {
	u := &switchyard.User{Name: nu.Name, DisplayName: nu.DisplayName, Role: nu.Role, Groups: nu.Groups}
	if u.Groups == nil {
		u.Groups = []string{}
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword("password", nu.Password, s.Cost)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUser applies upd to the user called name on behalf of actor. It
// refuses changes that would leave no enabled admin, and an admin demoting,
// disabling or deleting themselves.
func (s *Service) UpdateUser(ctx context.Context, actor *switchyard.User, name string, upd switchyard.UserUpdate) (*switchyard.User, error) {
	u, err := s.Store.FindUserByName(ctx, name)
	if err != nil {
		return nil, err
	}
	wasAdmin := u.Role == switchyard.RoleAdmin && !u.Disabled
	u.Revision = upd.Revision
	if upd.DisplayName != nil {
		u.DisplayName = *upd.DisplayName
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.Groups != nil {
		u.Groups = *upd.Groups
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if upd.Password != nil {
		if u.PasswordHash, err = HashPassword("password", *upd.Password, s.Cost); err != nil {
			return nil, err
		}
	}
	stillAdmin := u.Role == switchyard.RoleAdmin && !u.Disabled
	if wasAdmin && !stillAdmin {
		if actor != nil && actor.ID == u.ID {
			return nil, switchyard.FieldErrorf("role", "user.self_demote", "you cannot remove your own admin rights or disable yourself").WithReason("user.self_demote", nil)
		}
		if err := s.keepAnAdmin(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// DeleteUser removes the user called name on behalf of actor.
func (s *Service) DeleteUser(ctx context.Context, actor *switchyard.User, name string, revision int64) error {
	u, err := s.Store.FindUserByName(ctx, name)
	if err != nil {
		return err
	}
	if actor != nil && actor.ID == u.ID {
		return switchyard.Errorf(switchyard.CodeInvalid, "you cannot delete yourself").WithReason("user.self_delete", nil)
	}
	if u.Role == switchyard.RoleAdmin && !u.Disabled {
		if err := s.keepAnAdmin(ctx, u.ID); err != nil {
			return err
		}
	}
	return s.Store.DeleteUser(ctx, u.ID, revision)
}

// keepAnAdmin refuses a change when the user with id is the only enabled admin.
func (s *Service) keepAnAdmin(ctx context.Context, id string) error {
	users, err := s.Store.FindUsers(ctx, switchyard.UserFilter{})
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != id && o.Role == switchyard.RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return switchyard.Errorf(switchyard.CodeConflict, "this is the last enabled admin; make another admin first").WithReason("user.last_admin", nil)
}

// ChangePassword changes user's own password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, user *switchyard.User, pc switchyard.PasswordChange) error {
	u, err := s.Store.FindUser(ctx, user.ID)
	if err != nil {
		return err
	}
	if !checkHash(u.PasswordHash, pc.Current) {
		return switchyard.FieldErrorf("current", "password.wrong", "the current password is wrong")
	}
	if u.PasswordHash, err = HashPassword("new", pc.New, s.Cost); err != nil {
		return err
	}
	return s.Store.UpdateUser(ctx, u)
}

// Bootstrap creates the first admin when the store has no users. With an
// empty password it generates one and returns it so the caller can print it
// once; otherwise it returns "".
func (s *Service) Bootstrap(ctx context.Context, password string) (generated string, err error) {
	n, err := s.Store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	if password == "" {
		password = RandomPassword()
		generated = password
	}
	if _, err := s.CreateUser(ctx, switchyard.NewUser{Name: "admin", DisplayName: "Administrator", Role: switchyard.RoleAdmin, Password: password}); err != nil {
		return "", fmt.Errorf("create first admin: %w", err)
	}
	return generated, nil
}

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

// UpdateUser applies upd to the user called name on behalf of actor (nil:
// the system). It refuses changes that would leave no enabled admin, and an
// admin demoting, disabling or deleting themselves. A password reset ends
// every session of the user (but the actor's own, when they reset their own
// password); RevokeTokens revokes the user's tokens (but the one the actor
// calls with).
func (s *Service) UpdateUser(ctx context.Context, ap *Principal, name string, upd switchyard.UserUpdate) (*switchyard.User, error) {
	var actor *switchyard.User
	if ap != nil {
		actor = ap.User
	}
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
	defer s.Forget() // the role or the disabled flag may change
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if _, err := s.endCredentials(ctx, u.ID, ap, upd.Password != nil, upd.RevokeTokens); err != nil {
		return nil, err
	}
	return u, nil
}

// endCredentials ends the sessions (when sessions) and revokes the tokens
// (when tokens) of the user with userID, keeping the session or token p
// calls with if it is theirs: the browser that changed a password stays
// signed in.
func (s *Service) endCredentials(ctx context.Context, userID string, p *Principal, sessions, tokens bool) (Ended, error) {
	defer s.Forget()
	var keepSession, keepToken string
	if p != nil && p.User != nil && p.User.ID == userID {
		keepSession, keepToken = p.SessionID, p.TokenID
	}
	var out Ended
	var err error
	if sessions {
		if out.Sessions, err = s.Store.DeleteUserSessions(ctx, userID, keepSession); err != nil {
			return out, err
		}
	}
	if tokens {
		if out.Tokens, err = s.Store.RevokeUserTokens(ctx, userID, s.Now(), keepToken); err != nil {
			return out, err
		}
	}
	return out, nil
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
	defer s.Forget()
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

// ChangePassword changes the caller's own password after checking the
// current one, and ends their other sessions — the one making the change
// stays — and, with pc.RevokeTokens, revokes their tokens but the one
// making the change. It returns what it ended.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, pc switchyard.PasswordChange) (Ended, error) {
	u, err := s.Store.FindUser(ctx, p.User.ID)
	if err != nil {
		return Ended{}, err
	}
	if !checkHash(u.PasswordHash, pc.Current) {
		return Ended{}, switchyard.FieldErrorf("current", "password.wrong", "the current password is wrong")
	}
	if u.PasswordHash, err = HashPassword("new", pc.New, s.Cost); err != nil {
		return Ended{}, err
	}
	defer s.Forget() // the role or the disabled flag may change
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return Ended{}, err
	}
	return s.endCredentials(ctx, u.ID, p, true, pc.RevokeTokens)
}

// Ended counts what a password change or reset ended.
type Ended struct {
	Sessions, Tokens int
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

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/switchyard-io/switchyard"
)

const userColumns = `id, name, display_name, role, password_hash, disabled, created_at, updated_at, revision`

// CreateUser implements switchyard.UserStore.
func (s *DB) CreateUser(ctx context.Context, u *switchyard.User) error {
	now := s.Now()
	nu := *u
	nu.ID = switchyard.NewID(now)
	nu.CreatedAt, nu.UpdatedAt, nu.Revision = fromMillis(millis(now)), fromMillis(millis(now)), 1
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			nu.ID, nu.Name, nu.DisplayName, string(nu.Role), nu.PasswordHash, boolInt(nu.Disabled), millis(now), millis(now), nu.Revision)
		if s.dialect.IsUniqueViolation(err) {
			return (&switchyard.Error{Code: switchyard.CodeConflict, Field: "name", Reason: "user.name.taken",
				Message: fmt.Sprintf("user name %q is already taken", nu.Name), Err: err})
		} else if err != nil {
			return s.wrap("create user", err)
		}
		return s.setMemberships(ctx, tx, nu.ID, nu.Groups)
	})
	if err != nil {
		return err
	}
	*u = nu
	return nil
}

// setMemberships replaces the user's groups, refusing groups that do not exist.
func (s *DB) setMemberships(ctx context.Context, tx *sql.Tx, userID string, groups []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE user_id = $1`, userID); err != nil {
		return s.wrap("clear memberships", err)
	}
	for _, g := range groups {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_groups WHERE name = $1`, g).Scan(&n); err != nil {
			return s.wrap("check group", err)
		}
		if n == 0 {
			return switchyard.FieldErrorf("groups", "group.unknown", "groups: group %q does not exist", g).WithReason("group.unknown", map[string]string{"group": g})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (user_id, group_name) VALUES ($1, $2)`, userID, g); err != nil {
			return s.wrap("add membership", err)
		}
	}
	return nil
}

// FindUser implements switchyard.UserStore.
func (s *DB) FindUser(ctx context.Context, id string) (*switchyard.User, error) {
	return s.findUser(ctx, `id = $1`, id)
}

// FindUserByName implements switchyard.UserStore.
func (s *DB) FindUserByName(ctx context.Context, name string) (*switchyard.User, error) {
	return s.findUser(ctx, `name = $1`, name)
}

func (s *DB) findUser(ctx context.Context, where string, arg string) (*switchyard.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "user %q not found", arg).WithReason("user.not_found", map[string]string{"name": arg})
	} else if err != nil {
		return nil, s.wrap("find user", err)
	}
	if u.Groups, err = s.userGroups(ctx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *DB) userGroups(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT group_name FROM group_members WHERE user_id = $1 ORDER BY group_name`, userID)
	if err != nil {
		return nil, s.wrap("find memberships", err)
	}
	defer rows.Close()
	groups := []string{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, s.wrap("scan membership", err)
		}
		groups = append(groups, g)
	}
	return groups, s.wrap("find memberships", rows.Err())
}

// FindUsers implements switchyard.UserStore.
func (s *DB) FindUsers(ctx context.Context, f switchyard.UserFilter) ([]*switchyard.User, error) {
	q, args := `SELECT `+userColumns+` FROM users ORDER BY name`, []any{}
	if f.Group != "" {
		q = `SELECT ` + userColumns + ` FROM users WHERE id IN (SELECT user_id FROM group_members WHERE group_name = $1) ORDER BY name`
		args = append(args, f.Group)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("find users", err)
	}
	users, err := collect(rows, scanUser)
	if err != nil {
		return nil, s.wrap("find users", err)
	}
	members, err := s.allMemberships(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		u.Groups = members[u.ID]
		if u.Groups == nil {
			u.Groups = []string{}
		}
	}
	return users, nil
}

func (s *DB) allMemberships(ctx context.Context) (map[string][]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, group_name FROM group_members ORDER BY group_name`)
	if err != nil {
		return nil, s.wrap("find memberships", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, g string
		if err := rows.Scan(&u, &g); err != nil {
			return nil, s.wrap("scan membership", err)
		}
		out[u] = append(out[u], g)
	}
	return out, s.wrap("find memberships", rows.Err())
}

// UpdateUser implements switchyard.UserStore.
func (s *DB) UpdateUser(ctx context.Context, u *switchyard.User) error {
	now := s.Now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, role = $2, password_hash = $3, disabled = $4, updated_at = $5, revision = revision + 1 WHERE id = $6 AND revision = $7`,
			u.DisplayName, string(u.Role), u.PasswordHash, boolInt(u.Disabled), millis(now), u.ID, u.Revision)
		if err != nil {
			return s.wrap("update user", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.revisionError(ctx, tx, "user", u.Name, `SELECT COUNT(*) FROM users WHERE id = $1`, u.ID, u.Revision)
		}
		return s.setMemberships(ctx, tx, u.ID, u.Groups)
	})
	if err != nil {
		return err
	}
	u.Revision++
	u.UpdatedAt = fromMillis(millis(now))
	u.Groups = slices.Sorted(slices.Values(u.Groups))
	return nil
}

// DeleteUser implements switchyard.UserStore.
func (s *DB) DeleteUser(ctx context.Context, id string, revision int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		q, args := `DELETE FROM users WHERE id = $1`, []any{id}
		if revision != 0 {
			q, args = q+` AND revision = $2`, append(args, revision)
		}
		// Children first: SQLite enforces ON DELETE CASCADE only with the
		// foreign_keys pragma, which the adapter sets; deleting explicitly
		// keeps the store correct either way.
		for _, child := range []string{`DELETE FROM group_members WHERE user_id = $1`, `DELETE FROM api_tokens WHERE user_id = $1`, `DELETE FROM sessions WHERE user_id = $1`} {
			if _, err := tx.ExecContext(ctx, child, id); err != nil {
				return s.wrap("delete user", err)
			}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return s.wrap("delete user", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.revisionError(ctx, tx, "user", id, `SELECT COUNT(*) FROM users WHERE id = $1`, id, revision)
		}
		return nil
	})
}

// CountUsers implements switchyard.UserStore.
func (s *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, s.wrap("count users", err)
}

type scanner interface{ Scan(dest ...any) error }

func scanUser(row scanner) (*switchyard.User, error) {
	var u switchyard.User
	var role string
	var disabled int
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &role, &u.PasswordHash, &disabled, &created, &updated, &u.Revision); err != nil {
		return nil, err
	}
	u.Role, u.Disabled = switchyard.Role(role), disabled != 0
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &u, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchyard-io/switchyard"
)

// CreateGroup implements switchyard.GroupStore.
func (s *DB) CreateGroup(ctx context.Context, g *switchyard.Group) error {
	now := s.Now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO access_groups (name, description, created_at, updated_at, revision) VALUES ($1, $2, $3, $3, 1)`,
		g.Name, g.Description, millis(now))
	if s.dialect.IsUniqueViolation(err) {
		return &switchyard.Error{Code: switchyard.CodeConflict, Field: "name", Reason: "group.name.taken",
			Message: fmt.Sprintf("group %q already exists", g.Name), Err: err}
	} else if err != nil {
		return s.wrap("create group", err)
	}
	g.CreatedAt, g.UpdatedAt, g.Revision = fromMillis(millis(now)), fromMillis(millis(now)), 1
	g.Members = []string{}
	return nil
}

// FindGroup implements switchyard.GroupStore.
func (s *DB) FindGroup(ctx context.Context, name string) (*switchyard.Group, error) {
	g, err := scanGroup(s.db.QueryRowContext(ctx, `SELECT name, description, created_at, updated_at, revision FROM access_groups WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "group %q not found", name).WithReason("group.not_found", map[string]string{"name": name})
	} else if err != nil {
		return nil, s.wrap("find group", err)
	}
	members, err := s.groupMembers(ctx)
	if err != nil {
		return nil, err
	}
	g.Members = orEmpty(members[g.Name])
	return g, nil
}

// FindGroups implements switchyard.GroupStore.
func (s *DB) FindGroups(ctx context.Context) ([]*switchyard.Group, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, description, created_at, updated_at, revision FROM access_groups ORDER BY name`)
	if err != nil {
		return nil, s.wrap("find groups", err)
	}
	groups, err := collect(rows, scanGroup)
	if err != nil {
		return nil, s.wrap("find groups", err)
	}
	members, err := s.groupMembers(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		g.Members = orEmpty(members[g.Name])
	}
	return groups, nil
}

// groupMembers maps group name → member user names, sorted.
func (s *DB) groupMembers(ctx context.Context) (map[string][]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.group_name, u.name FROM group_members m JOIN users u ON u.id = m.user_id ORDER BY u.name`)
	if err != nil {
		return nil, s.wrap("find members", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var g, u string
		if err := rows.Scan(&g, &u); err != nil {
			return nil, s.wrap("scan member", err)
		}
		out[g] = append(out[g], u)
	}
	return out, s.wrap("find members", rows.Err())
}

// UpdateGroup implements switchyard.GroupStore.
func (s *DB) UpdateGroup(ctx context.Context, g *switchyard.Group) error {
	now := s.Now()
	res, err := s.db.ExecContext(ctx, `UPDATE access_groups SET description = $1, updated_at = $2, revision = revision + 1 WHERE name = $3 AND revision = $4`,
		g.Description, millis(now), g.Name, g.Revision)
	if err != nil {
		return s.wrap("update group", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.revisionError(ctx, s.db, "group", g.Name, `SELECT COUNT(*) FROM access_groups WHERE name = $1`, g.Name, g.Revision)
	}
	g.Revision++
	g.UpdatedAt = fromMillis(millis(now))
	return nil
}

// DeleteGroup implements switchyard.GroupStore.
func (s *DB) DeleteGroup(ctx context.Context, name string, revision int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_name = $1`, name); err != nil {
			return s.wrap("delete group", err)
		}
		q, args := `DELETE FROM access_groups WHERE name = $1`, []any{name}
		if revision != 0 {
			q, args = q+` AND revision = $2`, append(args, revision)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return s.wrap("delete group", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.revisionError(ctx, tx, "group", name, `SELECT COUNT(*) FROM access_groups WHERE name = $1`, name, revision)
		}
		return nil
	})
}

func scanGroup(row scanner) (*switchyard.Group, error) {
	var g switchyard.Group
	var created, updated int64
	if err := row.Scan(&g.Name, &g.Description, &created, &updated, &g.Revision); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &g, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

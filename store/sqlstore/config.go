package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchyard-io/switchyard"
)

const configColumns = `group_name, data_id, version, content, format, deleted, updated_at, updated_by`

// PutConfig implements switchyard.ConfigStore.
func (s *DB) PutConfig(ctx context.Context, e *switchyard.ConfigEntry, ifVersion int64) error {
	var version int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// The counter row lock comes first: a concurrent writer waits here and
		// then reads the version this one committed.
		var seq int64
		if err := tx.QueryRowContext(ctx, `UPDATE config_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
			return s.wrap("next config sequence", err)
		}
		var current int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM config_versions WHERE group_name = $1 AND data_id = $2`, e.Key.Group, e.Key.DataID).Scan(&current); err != nil {
			return s.wrap("read config version", err)
		}
		if ifVersion >= 0 && current != ifVersion {
			return switchyard.Errorf(switchyard.CodeConflict, "config %s is at version %d, not %d: someone else changed it; reload and try again", e.Key, current, ifVersion).
				WithReason("config.stale", map[string]string{"key": e.Key.String()})
		}
		version = current + 1
		_, err := tx.ExecContext(ctx, `INSERT INTO config_versions (group_name, data_id, version, seq, content, format, deleted, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.Key.Group, e.Key.DataID, version, seq, e.Content, e.Format, boolInt(e.Deleted), millis(e.UpdatedAt), e.UpdatedBy)
		return s.wrap("put config", err)
	})
	if err != nil {
		return err
	}
	e.Version = version
	e.UpdatedAt = fromMillis(millis(e.UpdatedAt))
	return nil
}

// FindConfig implements switchyard.ConfigStore.
func (s *DB) FindConfig(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	e, err := scanConfig(s.db.QueryRowContext(ctx, `SELECT `+configColumns+` FROM config_versions WHERE group_name = $1 AND data_id = $2 ORDER BY version DESC LIMIT 1`, key.Group, key.DataID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "config %s not found", key).WithReason("config.not_found", map[string]string{"key": key.String()})
	}
	return e, s.wrap("find config", err)
}

// ConfigHistory implements switchyard.ConfigStore.
func (s *DB) ConfigHistory(ctx context.Context, key switchyard.ConfigKey, limit int) ([]*switchyard.ConfigEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+configColumns+` FROM config_versions WHERE group_name = $1 AND data_id = $2 ORDER BY version DESC LIMIT $3`, key.Group, key.DataID, limit)
	if err != nil {
		return nil, s.wrap("config history", err)
	}
	return collectConfig(rows, s)
}

// ConfigChanges implements switchyard.ConfigStore.
func (s *DB) ConfigChanges(ctx context.Context, since int64) ([]*switchyard.ConfigEntry, int64, error) {
	var latest int64
	if err := s.db.QueryRowContext(ctx, `SELECT seq FROM config_counter WHERE id = 1`).Scan(&latest); err != nil {
		return nil, 0, s.wrap("config changes", err)
	}
	if latest <= since {
		return nil, latest, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+configColumns+` FROM config_versions v WHERE v.seq > $1 AND v.seq <= $2
		AND v.version = (SELECT MAX(version) FROM config_versions w WHERE w.group_name = v.group_name AND w.data_id = v.data_id) ORDER BY v.seq`, since, latest)
	if err != nil {
		return nil, 0, s.wrap("config changes", err)
	}
	out, err := collectConfig(rows, s)
	return out, latest, err
}

func collectConfig(rows *sql.Rows, s *DB) ([]*switchyard.ConfigEntry, error) {
	defer rows.Close()
	out := []*switchyard.ConfigEntry{}
	for rows.Next() {
		e, err := scanConfig(rows)
		if err != nil {
			return nil, s.wrap("scan config", err)
		}
		out = append(out, e)
	}
	return out, s.wrap("read configs", rows.Err())
}

func scanConfig(row scanner) (*switchyard.ConfigEntry, error) {
	var e switchyard.ConfigEntry
	var deleted int
	var at int64
	if err := row.Scan(&e.Key.Group, &e.Key.DataID, &e.Version, &e.Content, &e.Format, &deleted, &at, &e.UpdatedBy); err != nil {
		return nil, err
	}
	e.Deleted, e.UpdatedAt = deleted != 0, fromMillis(at)
	return &e, nil
}

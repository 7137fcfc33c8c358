package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/switchyard-io/switchyard"
)

// CreatePublishIntent implements switchyard.PublishStore.
func (s *DB) CreatePublishIntent(ctx context.Context, p *switchyard.PublishIntent) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	release := ""
	if p.Release != nil {
		release = p.Release.Name
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO publish_intents (id, at, grp, data_id, release, data) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, millis(p.At), p.Key.Group, p.Key.DataID, release, string(data))
	return s.wrap("record publish intent", err)
}

// FinishPublishIntent implements switchyard.PublishStore.
func (s *DB) FinishPublishIntent(ctx context.Context, id string, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if r != nil {
			if err := s.updateRelease(ctx, tx, r, h); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM publish_intents WHERE id = $1`, id)
		return s.wrap("finish publish intent", err)
	})
	if err == nil && r != nil {
		r.Revision++
	}
	return err
}

// PublishIntents implements switchyard.PublishStore.
func (s *DB) PublishIntents(ctx context.Context, before time.Time) ([]*switchyard.PublishIntent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM publish_intents WHERE at < $1 ORDER BY at, id`, millis(before))
	if err != nil {
		return nil, s.wrap("list publish intents", err)
	}
	out, err := collect(rows, func(sc scanner) (*switchyard.PublishIntent, error) {
		var data string
		if err := sc.Scan(&data); err != nil {
			return nil, err
		}
		p := &switchyard.PublishIntent{}
		return p, json.Unmarshal([]byte(data), p)
	})
	return out, s.wrap("list publish intents", err)
}

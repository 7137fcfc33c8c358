package sqlstore

import (
	"context"
	"encoding/json"

	"github.com/switchyard-io/switchyard"
)

// SaveInstance implements switchyard.InstanceStore. The owner, which the
// instance's JSON never carries, has its own column.
func (s *DB) SaveInstance(ctx context.Context, in *switchyard.Instance) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO registry_instances (id, service, data, saved_at, owner) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET service = excluded.service, data = excluded.data, saved_at = excluded.saved_at, owner = excluded.owner`,
		in.ID, in.Service, string(data), millis(s.Now()), in.Owner)
	return s.wrap("save instance", err)
}

// DeleteInstance implements switchyard.InstanceStore.
func (s *DB) DeleteInstance(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM registry_instances WHERE id = $1`, id)
	return s.wrap("delete instance", err)
}

// LoadInstances implements switchyard.InstanceStore.
func (s *DB) LoadInstances(ctx context.Context) ([]*switchyard.Instance, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data, owner FROM registry_instances ORDER BY service, id`)
	if err != nil {
		return nil, s.wrap("load instances", err)
	}
	defer rows.Close()
	out := []*switchyard.Instance{}
	for rows.Next() {
		var data, owner string
		if err := rows.Scan(&data, &owner); err != nil {
			return nil, s.wrap("scan instance", err)
		}
		var in switchyard.Instance
		if err := json.Unmarshal([]byte(data), &in); err != nil {
			return nil, s.wrap("decode instance", err)
		}
		in.Owner = owner
		out = append(out, &in)
	}
	return out, s.wrap("load instances", rows.Err())
}

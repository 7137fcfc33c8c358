package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchyard-io/switchyard"
)

// definition is what a workflow version stores: everything but the
// columns of its own.
type definition struct {
	Name     string              `json:"name"`
	Template switchyard.Template `json:"template"`
	Steps    []switchyard.Step   `json:"steps"`
	Edges    []switchyard.Edge   `json:"edges"`
}

func encodeDefinition(w *switchyard.Workflow) (string, error) {
	b, err := json.Marshal(definition{Name: w.Name, Template: w.Template, Steps: w.Steps, Edges: w.Edges})
	return string(b), err
}

// nextNumber takes the next number of a workflow_counter column in tx.
func (s *DB) nextNumber(ctx context.Context, tx *sql.Tx, column string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `UPDATE workflow_counter SET `+column+` = `+column+` + 1 WHERE id = 1 RETURNING `+column).Scan(&n)
	return n, s.wrap("next "+column+" number", err)
}

// CreateWorkflow implements switchyard.WorkflowStore.
func (s *DB) CreateWorkflow(ctx context.Context, w *switchyard.Workflow) error {
	def, err := encodeDefinition(w)
	if err != nil {
		return err
	}
	now := s.Now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM releases WHERE name = $1`, w.ReleaseID).Scan(&exists); err != nil {
			return s.wrap("check release", err)
		}
		if exists == 0 {
			return switchyard.FieldErrorf("releaseId", "release.not_found", "release %q does not exist", w.ReleaseID).
				WithReason("release.not_found", map[string]string{"name": w.ReleaseID})
		}
		n, err := s.nextNumber(ctx, tx, "wf")
		if err != nil {
			return err
		}
		w.ID, w.Version = fmt.Sprintf("WF-%03d", n), 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO workflows (id, release_name, name, template, version, definition, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $6, $7)`, w.ID, w.ReleaseID, w.Name, string(w.Template), def, millis(now), w.CreatedBy); err != nil {
			return s.wrap("create workflow", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO workflow_versions (workflow_id, version, definition, saved_at, saved_by) VALUES ($1, 1, $2, $3, $4)`, w.ID, def, millis(now), w.CreatedBy)
		return s.wrap("create workflow version", err)
	})
	if err != nil {
		return err
	}
	w.CreatedAt, w.UpdatedAt, w.UpdatedBy = fromMillis(millis(now)), fromMillis(millis(now)), w.CreatedBy
	return nil
}

// UpdateWorkflow implements switchyard.WorkflowStore.
func (s *DB) UpdateWorkflow(ctx context.Context, w *switchyard.Workflow) error {
	def, err := encodeDefinition(w)
	if err != nil {
		return err
	}
	now := s.Now()
	next := w.Version + 1
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workflows SET name = $1, template = $2, version = $3, definition = $4, updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8`,
			w.Name, string(w.Template), next, def, millis(now), w.UpdatedBy, w.ID, w.Version)
		if err != nil {
			return s.wrap("update workflow", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.workflowVersionError(ctx, tx, w.ID, w.Version)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO workflow_versions (workflow_id, version, definition, saved_at, saved_by) VALUES ($1, $2, $3, $4, $5)`, w.ID, next, def, millis(now), w.UpdatedBy)
		return s.wrap("save workflow version", err)
	})
	if err != nil {
		return err
	}
	w.Version, w.UpdatedAt = next, fromMillis(millis(now))
	return nil
}

func (s *DB) workflowVersionError(ctx context.Context, q queryer, id string, version int) error {
	var current int
	err := q.QueryRowContext(ctx, `SELECT version FROM workflows WHERE id = $1`, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return workflowNotFound(id)
	} else if err != nil {
		return s.wrap("check workflow", err)
	}
	return switchyard.Errorf(switchyard.CodeConflict, "workflow %s is at version %d, not %d: someone else saved it; reload and try again", id, current, version).
		WithReason("revision.stale", map[string]string{"kind": "workflow", "name": id})
}

func workflowNotFound(id string) error {
	return switchyard.Errorf(switchyard.CodeNotFound, "workflow %q not found", id).WithReason("workflow.not_found", map[string]string{"id": id})
}

const workflowColumns = `id, release_name, name, template, version, definition, created_at, created_by, updated_at, updated_by`

func scanWorkflow(sc scanner) (*switchyard.Workflow, error) {
	var w switchyard.Workflow
	var template, def string
	var created, updated int64
	if err := sc.Scan(&w.ID, &w.ReleaseID, &w.Name, &template, &w.Version, &def, &created, &w.CreatedBy, &updated, &w.UpdatedBy); err != nil {
		return nil, err
	}
	var d definition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return nil, fmt.Errorf("workflow %s: stored definition: %w", w.ID, err)
	}
	w.Template, w.Steps, w.Edges = switchyard.Template(template), d.Steps, d.Edges
	if d.Name != "" { // a saved version's own name and template
		w.Name, w.Template = d.Name, d.Template
	}
	w.CreatedAt, w.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &w, nil
}

// FindWorkflow implements switchyard.WorkflowStore.
func (s *DB) FindWorkflow(ctx context.Context, id string) (*switchyard.Workflow, error) {
	w, err := scanWorkflow(s.db.QueryRowContext(ctx, `SELECT `+workflowColumns+` FROM workflows WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, workflowNotFound(id)
	}
	return w, s.wrap("find workflow", err)
}

// FindWorkflowVersion implements switchyard.WorkflowStore.
func (s *DB) FindWorkflowVersion(ctx context.Context, id string, version int) (*switchyard.Workflow, error) {
	w, err := scanWorkflow(s.db.QueryRowContext(ctx, `SELECT w.id, w.release_name, w.name, w.template, v.version, v.definition, w.created_at, w.created_by, v.saved_at, v.saved_by
		FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id WHERE w.id = $1 AND v.version = $2`, id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "workflow %q has no version %d", id, version).
			WithReason("workflow.version.not_found", map[string]string{"id": id, "version": fmt.Sprint(version)})
	}
	return w, s.wrap("find workflow version", err)
}

// WorkflowVersions implements switchyard.WorkflowStore.
func (s *DB) WorkflowVersions(ctx context.Context, id string) ([]*switchyard.WorkflowVersion, error) {
	if _, err := s.FindWorkflow(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, saved_at, saved_by FROM workflow_versions WHERE workflow_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, s.wrap("list workflow versions", err)
	}
	out, err := collect(rows, func(sc scanner) (*switchyard.WorkflowVersion, error) {
		var v switchyard.WorkflowVersion
		var at int64
		if err := sc.Scan(&v.Version, &at, &v.SavedBy); err != nil {
			return nil, err
		}
		v.SavedAt = fromMillis(at)
		return &v, nil
	})
	return out, s.wrap("list workflow versions", err)
}

// FindWorkflows implements switchyard.WorkflowStore.
func (s *DB) FindWorkflows(ctx context.Context, f switchyard.WorkflowFilter) ([]*switchyard.Workflow, error) {
	q, args := `SELECT `+workflowColumns+` FROM workflows`, []any{}
	if f.ReleaseID != "" {
		q, args = q+` WHERE release_name = $1`, append(args, f.ReleaseID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, s.wrap("find workflows", err)
	}
	out, err := collect(rows, scanWorkflow)
	if out == nil {
		out = []*switchyard.Workflow{}
	}
	return out, s.wrap("find workflows", err)
}

// DeleteWorkflow implements switchyard.WorkflowStore.
func (s *DB) DeleteWorkflow(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var running int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM executions WHERE workflow_id = $1 AND status IN ('RUNNING', 'PAUSED')`, id).Scan(&running); err != nil {
			return s.wrap("check executions", err)
		}
		if running > 0 {
			return switchyard.Errorf(switchyard.CodeConflict, "workflow %s has %d execution(s) not finished; abort them first", id, running).
				WithReason("workflow.running", map[string]string{"id": id})
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM workflows WHERE id = $1`, id)
		if err != nil {
			return s.wrap("delete workflow", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return workflowNotFound(id)
		}
		return nil
	})
}

package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The seeders fill a migrated store with the volumes the control-plane
// benchmarks measure (10,000 releases, 1,000,000 audit rows). They write
// the store's own tables with multi-row INSERTs in one transaction: one
// statement per few hundred rows, so a million rows take seconds, not the
// minutes a million AppendAudit calls would.

// SeedUsers is how many operators SeedReleases creates (user00, user01, …)
// as the creators and executors of its releases.
const SeedUsers = 20

// SeedGroups is how many groups (group000, …) the seeded releases and
// audit rows spread over.
const SeedGroups = 50

// SeedReleases creates SeedUsers operators through st and n releases with
// their locks through db (st's database): releases r00000, r00001, … of
// SeedGroups groups, created one minute apart before now, a third never
// executed, one in a hundred locked until an hour after now, one in ten
// ended.
func SeedReleases(ctx context.Context, st switchyard.Store, db *sql.DB, n int, now time.Time) error {
	for i := range SeedUsers {
		name := fmt.Sprintf("user%02d", i)
		u := &switchyard.User{Name: name, DisplayName: "User " + name, Role: switchyard.RoleOperator, Groups: []string{}, PasswordHash: "hash-" + name}
		if err := st.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("seed user %s: %w", name, err)
		}
	}
	spec, err := json.Marshal(seedSpec())
	if err != nil {
		return err
	}
	const cols = `name, description, type, state, subscription, grp, app, spec, created_at, created_by, executed_at, executed_by, config_version, revision`
	rows := make([][]any, 0, n)
	var locks [][]any
	for i := range n {
		name, user := fmt.Sprintf("r%05d", i), fmt.Sprintf("user%02d", i%SeedUsers)
		created := now.Add(-time.Duration(n-i) * time.Minute).UnixMilli()
		state, executed, executedBy := "", sql.NullInt64{}, ""
		if i%3 != 0 {
			state, executed, executedBy = string(switchyard.StateReleased), sql.NullInt64{Int64: created + 1000, Valid: true}, fmt.Sprintf("user%02d", (i+7)%SeedUsers)
		}
		if i%10 == 1 {
			state = string(switchyard.StateEnded)
		}
		rows = append(rows, []any{name, "release " + name + " of the seeded table", string(switchyard.Mixed), state, string(switchyard.Partial),
			fmt.Sprintf("group%03d", i%SeedGroups), fmt.Sprintf("app%05d", i), string(spec), created, user, executed, executedBy, int64(i % 7), int64(1)})
		if i%100 == 5 {
			locks = append(locks, []any{name, user, "session/seed", "User " + user, now.UnixMilli(), now.Add(time.Hour).UnixMilli()})
		}
	}
	return inTx(ctx, db, func(tx *sql.Tx) error {
		if err := insertRows(ctx, tx, "releases", cols, rows); err != nil {
			return err
		}
		return insertRows(ctx, tx, "release_locks", `release_name, holder, holder_session, holder_name, since, expires_at`, locks)
	})
}

// seedSpec is a typical release page's form: three services, blue-green
// and two gray conditions, an inner header.
func seedSpec() switchyard.ReleaseSpec {
	return switchyard.ReleaseSpec{
		Services: []string{"order-service", "payment-service", "inventory-service"}, Sort: "version",
		BlueGreenEnabled: true, GreenExpression: "#H['xyz'] == '0'", BlueExpression: "#H['xyz'] == '1'",
		GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Expression: "#H['region'] == 'east'", Weight: 10}, {Expression: "", Weight: 0}},
		HeaderEnabled: true, Header: map[string]string{"xyz": "1", "region": "east"},
	}
}

// SeedAuditActors, SeedAuditResources: the seeded audit log's actors
// (actor000, …) and resources (release/r00000, …), spread evenly.
const (
	SeedAuditActors    = 200
	SeedAuditResources = 10000
)

// SeedAudit appends n audit rows through db, one every ten seconds up to
// now, oldest first, with time-ordered IDs, so the newest row has the
// highest ID. The IDs are ULIDs of the time and the row number, as NewID
// makes them but without its process-wide ordering (which would stamp them
// after any ID made before). Row i is by actor%03d (i mod SeedAuditActors)
// on release/r%05d (i mod SeedAuditResources); one in twenty is refused.
// It returns the IDs at every 10,000th row from the newest (ids[k] is row
// n-1-10000k), for deep pages.
func SeedAudit(ctx context.Context, db *sql.DB, n int, now time.Time) ([]string, error) {
	const cols = `id, at, actor, via, action, resource, method, path, status, outcome, remote_addr, request_id, detail`
	actions := []string{"release.operate", "release.update", "release.lock", "user.update", "workflow.create", "execution.start", "instance.register"}
	var marks []string
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		const batch = 1000
		rows := make([][]any, 0, batch)
		for i := range n {
			at := now.Add(-time.Duration(n-1-i) * 10 * time.Second)
			id := seedID(at, uint64(i))
			if (n-1-i)%10000 == 0 {
				marks = append(marks, id)
			}
			status, outcome := 200, "ok"
			if i%20 == 0 {
				status, outcome = 409, "refused"
			}
			res := fmt.Sprintf("release/r%05d", i%SeedAuditResources)
			rows = append(rows, []any{id, at.UnixMilli(), fmt.Sprintf("actor%03d", i%SeedAuditActors), "session", actions[i%len(actions)], res,
				"POST", "/api/" + res + "s/operations", status, outcome, "10.0.0." + strconv.Itoa(i%250), "req" + strconv.Itoa(i), "operation=RELEASE"})
			if len(rows) == batch {
				if err := insertRows(ctx, tx, "audit_log", cols, rows); err != nil {
					return err
				}
				rows = rows[:0]
			}
		}
		return insertRows(ctx, tx, "audit_log", cols, rows)
	})
	// marks were taken oldest first; the caller wants newest first.
	for i, j := 0, len(marks)-1; i < j; i, j = i+1, j-1 {
		marks[i], marks[j] = marks[j], marks[i]
	}
	return marks, err
}

// seedID is the ULID of ms and seq, in NewID's alphabet.
func seedID(at time.Time, seq uint64) string {
	const crockford = "0123456789abcdefghjkmnpqrstvwxyz"
	hi, lo := uint64(at.UnixMilli())<<16, seq // 48 bits of time, 80 of sequence
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// inTx runs fn in a transaction on a connection of its own, whose SQLite
// page cache it enlarges first: the audit log's indexes take inserts all
// over (ten thousand resources), which a 2 MB cache turns into a read and a
// write of a page each. PostgreSQL refuses the PRAGMA, harmlessly outside
// a transaction.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("seed: connect: %w", err)
	}
	defer conn.Close()
	var cache int64
	if conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache) == nil {
		_, _ = conn.ExecContext(ctx, `PRAGMA cache_size = -262144`) // 256 MiB
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cache, 10))
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the seeding error is what matters
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

// insertRows inserts rows into table, 500 rows a statement, the values
// written into the statement as SQL literals: binding is what costs (the
// SQLite driver looks every parameter's name up in a list, quadratic in
// their number), and every value here is one the seeder made.
func insertRows(ctx context.Context, tx *sql.Tx, table, cols string, rows [][]any) error {
	const per = 500
	var q strings.Builder
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		q.Reset()
		q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('(')
			for j, v := range r {
				if j > 0 {
					q.WriteByte(',')
				}
				if err := writeLiteral(&q, v); err != nil {
					return fmt.Errorf("seed %s: %w", table, err)
				}
			}
			q.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, q.String()); err != nil {
			return fmt.Errorf("seed %s: %w", table, err)
		}
	}
	return nil
}

// writeLiteral writes v as an SQL literal both SQLite and PostgreSQL read.
func writeLiteral(q *strings.Builder, v any) error {
	switch v := v.(type) {
	case string:
		q.WriteByte('\'')
		q.WriteString(strings.ReplaceAll(v, "'", "''"))
		q.WriteByte('\'')
	case int:
		q.WriteString(strconv.Itoa(v))
	case int64:
		q.WriteString(strconv.FormatInt(v, 10))
	case sql.NullInt64:
		if !v.Valid {
			q.WriteString("NULL")
		} else {
			q.WriteString(strconv.FormatInt(v.Int64, 10))
		}
	default:
		return fmt.Errorf("no literal for %T", v)
	}
	return nil
}

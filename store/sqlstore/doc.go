// Package sqlstore implements switchyard.Store over database/sql with one set
// of portable SQL ($N placeholders, TEXT ids, BIGINT unix-millisecond times,
// INTEGER booleans) and one set of migrations, shared by the SQLite and
// PostgreSQL adapters (store/sqlite, store/postgres). An adapter supplies the
// *sql.DB and a Dialect for the few things that differ: how constraint
// violations look and how migrations are serialised across replicas.
//
// Every mutable row carries a revision; updates name the revision they read
// and fail with switchyard.CodeConflict when someone else wrote first.
package sqlstore

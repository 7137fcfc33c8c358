-- The release table is read newest first (created_at DESC, then name): an
-- index in that order walks it without sorting every release, and stops
-- after a page. Portable SQL: SQLite and PostgreSQL.

CREATE INDEX releases_created ON releases (created_at DESC, name);

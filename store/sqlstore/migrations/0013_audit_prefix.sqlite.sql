-- The action and resource filters are prefixes (LIKE 'user.%'). SQLite
-- answers a LIKE prefix from an index only if the index folds case as its
-- LIKE does (NOCASE); PostgreSQL's form of this migration uses the C
-- collation instead.

CREATE INDEX audit_log_action ON audit_log (action COLLATE NOCASE, at, id);
CREATE INDEX audit_log_resource ON audit_log (resource COLLATE NOCASE, at, id);

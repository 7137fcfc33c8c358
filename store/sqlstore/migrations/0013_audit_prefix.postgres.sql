-- The action and resource filters are prefixes (LIKE 'user.%').
-- PostgreSQL answers a LIKE prefix from an index only in the C collation
-- (whatever the database's); SQLite's form of this migration folds case
-- instead, as its LIKE does.

CREATE INDEX audit_log_action ON audit_log (action COLLATE "C", at, id);
CREATE INDEX audit_log_resource ON audit_log (resource COLLATE "C", at, id);

-- The audit log is read newest first by time (at, then id), which is what
-- its indexes are in: the whole log and a time window walk (at, id); the
-- actor and outcome filters walk their own (value, at, id). Each page is a
-- walk from the cursor that stops after one page, however deep the page
-- and however large the log. Portable SQL: SQLite and PostgreSQL.

DROP INDEX IF EXISTS audit_log_at;
DROP INDEX IF EXISTS audit_log_actor;
CREATE INDEX audit_log_time ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor, at, id);
CREATE INDEX audit_log_outcome ON audit_log (outcome, at, id);

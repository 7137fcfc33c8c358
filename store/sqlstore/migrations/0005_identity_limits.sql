-- Sessions are ended per user when a password changes (DeleteUserSessions).
-- Audit rows written before the columns were bounded are cut to the bounds
-- (switchyard.AuditEntry.Bound: actor 128, resource 256, path 512, detail
-- 2048, the rest 64), so an old flood of refusals no longer makes the audit
-- page megabytes. Lengths here are in characters, the bounds in bytes: close
-- enough for rows that were megabytes. Portable SQL: SQLite and PostgreSQL.

CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

UPDATE audit_log SET actor = substr(actor, 1, 108) || '...[truncated]' WHERE length(actor) > 128;
UPDATE audit_log SET resource = substr(resource, 1, 236) || '...[truncated]' WHERE length(resource) > 256;
UPDATE audit_log SET path = substr(path, 1, 492) || '...[truncated]' WHERE length(path) > 512;
UPDATE audit_log SET detail = substr(detail, 1, 2028) || '...[truncated]' WHERE length(detail) > 2048;
UPDATE audit_log SET via = substr(via, 1, 44) || '...[truncated]' WHERE length(via) > 64;
UPDATE audit_log SET action = substr(action, 1, 44) || '...[truncated]' WHERE length(action) > 64;
UPDATE audit_log SET method = substr(method, 1, 44) || '...[truncated]' WHERE length(method) > 64;
UPDATE audit_log SET outcome = substr(outcome, 1, 44) || '...[truncated]' WHERE length(outcome) > 64;
UPDATE audit_log SET remote_addr = substr(remote_addr, 1, 44) || '...[truncated]' WHERE length(remote_addr) > 64;
UPDATE audit_log SET request_id = substr(request_id, 1, 44) || '...[truncated]' WHERE length(request_id) > 64;

-- Executions are due by their wake time whatever their status (a finished
-- one may still have notifications to send).

CREATE INDEX executions_wake_at ON executions (wake_at);

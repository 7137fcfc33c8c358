-- Verification tests (seed 003: 流量侦测 and 模拟): the pages' saved
-- configs, one per kind and (group, serviceId), and the runs, kept per key
-- up to a bound (the service prunes the oldest finished ones). A run holds
-- the lease of the process running it (epoch fences a process that lost
-- it) and, for a simulation, the rule it found before changing anything
-- (in body). At most one simulation per key is RUNNING: the partial unique
-- index makes the check and the insert one atomic step.

CREATE TABLE verify_configs (
    kind       TEXT NOT NULL,
    group_name TEXT NOT NULL,
    service_id TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, group_name, service_id)
);

CREATE TABLE verify_runs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_by  TEXT NOT NULL DEFAULT '',
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    reason      TEXT NOT NULL DEFAULT '',
    done        BIGINT NOT NULL DEFAULT 0,
    total       BIGINT NOT NULL DEFAULT 0,
    body        TEXT NOT NULL,
    abort_by    TEXT NOT NULL DEFAULT '',
    abort_at    BIGINT,
    epoch       BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    seq         BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX verify_runs_key ON verify_runs (kind, group_name, service_id, id);

CREATE INDEX verify_runs_status ON verify_runs (status, kind);

CREATE UNIQUE INDEX verify_runs_one_simulation ON verify_runs (group_name, service_id) WHERE kind = 'simulation' AND status = 'RUNNING';

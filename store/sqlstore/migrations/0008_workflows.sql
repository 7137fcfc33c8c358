-- Release workflows (document 000): every saved version is kept; an
-- execution pins the version it runs. Executions keep the engine's state,
-- the lease of the replica advancing them (epoch fences a replica that lost
-- it) and the time they next want to run; their events are append-only;
-- signals wait until the lease holder takes them.

CREATE TABLE workflow_counter (
    id  INTEGER PRIMARY KEY,
    wf  BIGINT NOT NULL,
    exe BIGINT NOT NULL
);

INSERT INTO workflow_counter (id, wf, exe) VALUES (1, 0, 0);

CREATE TABLE workflows (
    id           TEXT PRIMARY KEY,
    release_name TEXT NOT NULL REFERENCES releases (name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    template     TEXT NOT NULL,
    version      INTEGER NOT NULL,
    definition   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT ''
);

CREATE INDEX workflows_release ON workflows (release_name);

CREATE TABLE workflow_versions (
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    definition  TEXT NOT NULL,
    saved_at    BIGINT NOT NULL,
    saved_by    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE executions (
    id               TEXT PRIMARY KEY,
    n                BIGINT NOT NULL UNIQUE,
    workflow_id      TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    workflow_version INTEGER NOT NULL,
    release_name     TEXT NOT NULL,
    status           TEXT NOT NULL,
    current_step     TEXT NOT NULL DEFAULT '',
    started_at       BIGINT NOT NULL,
    started_by       TEXT NOT NULL DEFAULT '',
    ended_at         BIGINT,
    state            TEXT NOT NULL,
    wake_at          BIGINT,
    epoch            BIGINT NOT NULL DEFAULT 0,
    lease_owner      TEXT NOT NULL DEFAULT '',
    lease_until      BIGINT NOT NULL DEFAULT 0,
    seq              BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX executions_wake ON executions (status, wake_at);
CREATE INDEX executions_workflow ON executions (workflow_id, n);
CREATE INDEX executions_release ON executions (release_name, n);

CREATE TABLE execution_events (
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

CREATE TABLE execution_signals (
    id           TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    step_id      TEXT NOT NULL DEFAULT '',
    by_user      TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    consumed_at  BIGINT
);

CREATE INDEX execution_signals_pending ON execution_signals (execution_id, consumed_at);

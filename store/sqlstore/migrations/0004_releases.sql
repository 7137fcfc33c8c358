-- Releases (document 003's release table and page), their operation history
-- and the lease lock that lets one person operate a release at a time.
-- Group + app is unique (global releases have app '').

CREATE TABLE releases (
    name           TEXT PRIMARY KEY,
    description    TEXT NOT NULL DEFAULT '',
    type           TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT '',
    subscription   TEXT NOT NULL,
    grp            TEXT NOT NULL,
    app            TEXT NOT NULL DEFAULT '',
    spec           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    executed_at    BIGINT,
    executed_by    TEXT NOT NULL DEFAULT '',
    config_version BIGINT NOT NULL DEFAULT 0,
    revision       BIGINT NOT NULL,
    UNIQUE (grp, app)
);

CREATE TABLE release_history (
    id             TEXT PRIMARY KEY,
    release_name   TEXT NOT NULL REFERENCES releases (name) ON DELETE CASCADE,
    operation      TEXT NOT NULL,
    state_before   TEXT NOT NULL DEFAULT '',
    state_after    TEXT NOT NULL,
    type           TEXT NOT NULL,
    yaml           TEXT NOT NULL,
    xml            TEXT NOT NULL,
    config_group   TEXT NOT NULL,
    config_data_id TEXT NOT NULL,
    config_version BIGINT NOT NULL,
    by_user        TEXT NOT NULL,
    at             BIGINT NOT NULL,
    detail         TEXT NOT NULL DEFAULT ''
);

CREATE INDEX release_history_release ON release_history (release_name, id);

CREATE TABLE release_locks (
    release_name TEXT PRIMARY KEY REFERENCES releases (name) ON DELETE CASCADE,
    holder       TEXT NOT NULL,
    since        BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

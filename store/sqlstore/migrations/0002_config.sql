-- The built-in config center: every version of every (group, dataId) is kept.
-- config_counter hands out the global change sequence; taking its row lock
-- first serialises writers, so versions never collide.

CREATE TABLE config_counter (
    id  INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL
);

INSERT INTO config_counter (id, seq) VALUES (1, 0);

CREATE TABLE config_versions (
    group_name TEXT NOT NULL,
    data_id    TEXT NOT NULL,
    version    BIGINT NOT NULL,
    seq        BIGINT NOT NULL UNIQUE,
    content    TEXT NOT NULL,
    format     TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_name, data_id, version)
);

-- Publish intents: a change to a rule key written down before the config
-- center is touched, removed together with the release update once the
-- change is complete. A starting server finishes or undoes what is left.

CREATE TABLE publish_intents (
    id         TEXT PRIMARY KEY,
    at         BIGINT NOT NULL,
    grp        TEXT NOT NULL,
    data_id    TEXT NOT NULL,
    release    TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL
);

CREATE INDEX publish_intents_at ON publish_intents (at);

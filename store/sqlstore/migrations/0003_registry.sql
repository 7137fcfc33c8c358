-- Registrations of the built-in registry (heartbeats are kept in memory).

CREATE TABLE registry_instances (
    id       TEXT PRIMARY KEY,
    service  TEXT NOT NULL,
    data     TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);

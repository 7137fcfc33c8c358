-- The operating lock belongs to one browser session or API token of one
-- user ("session/<id>", "token/<id>"), not to the account: the same user in
-- another browser is refused like anyone else. System actors (workflow
-- executions, the reconciler) hold it by name with session ''. holder_name
-- is the holder's display name when the lock was taken, so a refusal names
-- 张三 rather than zhangsan without looking the user up.
--
-- An ended release holds no lock: the locks of releases that ended before
-- this migration go.

ALTER TABLE release_locks ADD COLUMN holder_session TEXT NOT NULL DEFAULT '';
ALTER TABLE release_locks ADD COLUMN holder_name TEXT NOT NULL DEFAULT '';

DELETE FROM release_locks WHERE release_name IN (SELECT name FROM releases WHERE state = 'ENDED');

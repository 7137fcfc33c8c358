-- Who registered each instance ("token/<id>", "user/<id>"): only the same
-- registrant may replace, beat for or remove it. '' for registrations stored
-- before owners were recorded (anyone's until registered again).

ALTER TABLE registry_instances ADD COLUMN owner TEXT NOT NULL DEFAULT '';

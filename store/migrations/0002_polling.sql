-- Polite polling: the validators a feed last answered with (for
-- conditional GET), the interval adapted to how often the source posts,
-- and a note for users about a poll that worked but left something out.

ALTER TABLE sources ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN poll_interval_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN note TEXT NOT NULL DEFAULT '';

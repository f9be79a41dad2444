-- Each process that runs jobs counts its heartbeats here, every two
-- seconds, so that the others can tell when it has died (its count stops)
-- and take over the jobs it left running at once, rather than after the
-- job timeout. A count rather than a time: processes judge by whether it
-- moves, on their own clocks, so no two machines' clocks are compared.

CREATE TABLE job_workers (
	id         TEXT PRIMARY KEY,
	beats      BIGINT NOT NULL,
	started_at {{time}} NOT NULL
);

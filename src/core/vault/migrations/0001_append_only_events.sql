-- Evidence is append-only: the chain, the chunks of every artifact, and finished artifacts
-- can never be changed or removed through SQL. (Someone holding the key can drop these
-- triggers; `vault verify` then still finds the change through the hashes.)
CREATE TRIGGER `events_no_update` BEFORE UPDATE ON `events`
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `events_no_delete` BEFORE DELETE ON `events`
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifact_chunks_no_update` BEFORE UPDATE ON `artifact_chunks`
BEGIN SELECT RAISE(ABORT, 'artifact chunks are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifact_chunks_no_delete` BEFORE DELETE ON `artifact_chunks`
BEGIN SELECT RAISE(ABORT, 'artifact chunks are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifacts_no_delete` BEFORE DELETE ON `artifacts`
BEGIN SELECT RAISE(ABORT, 'artifacts are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifacts_final_once_finished` BEFORE UPDATE ON `artifacts`
WHEN OLD.`state` <> 'open'
BEGIN SELECT RAISE(ABORT, 'a finished artifact cannot be changed'); END;

CREATE TABLE `artifact_file_chunks` (
	`artifact_id` text NOT NULL,
	`idx` integer NOT NULL,
	`size` integer NOT NULL,
	`tag` blob NOT NULL,
	PRIMARY KEY(`artifact_id`, `idx`),
	FOREIGN KEY (`artifact_id`) REFERENCES `artifacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `artifact_files` (
	`artifact_id` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`salt` blob NOT NULL,
	`segment_chunks` integer NOT NULL,
	`migrated_at` text,
	FOREIGN KEY (`artifact_id`) REFERENCES `artifacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- A segment-file artifact's key salt and chunk records are evidence too: append-only.
CREATE TRIGGER `artifact_files_no_update` BEFORE UPDATE ON `artifact_files`
BEGIN SELECT RAISE(ABORT, 'artifact files are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifact_files_no_delete` BEFORE DELETE ON `artifact_files`
BEGIN SELECT RAISE(ABORT, 'artifact files are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifact_file_chunks_no_update` BEFORE UPDATE ON `artifact_file_chunks`
BEGIN SELECT RAISE(ABORT, 'artifact chunks are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `artifact_file_chunks_no_delete` BEFORE DELETE ON `artifact_file_chunks`
BEGIN SELECT RAISE(ABORT, 'artifact chunks are append-only'); END;

CREATE TABLE `artifact_chunks` (
	`artifact_id` text NOT NULL,
	`idx` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`artifact_id`, `idx`),
	FOREIGN KEY (`artifact_id`) REFERENCES `artifacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `artifacts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`media_type` text NOT NULL,
	`state` text NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`sha256` text,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`writer_pid` integer,
	`writer_host` text,
	`created_at` text NOT NULL,
	`completed_at` text
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_hash_unique` ON `events` (`hash`);--> statement-breakpoint
CREATE TABLE `identities` (
	`name` text PRIMARY KEY NOT NULL,
	`roles` text NOT NULL,
	`public_key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`key_source` text NOT NULL,
	`key_path` text,
	`private_key` blob,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identities_fingerprint` ON `identities` (`fingerprint`);
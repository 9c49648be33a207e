CREATE TABLE `case_ratings` (
	`case_id` text PRIMARY KEY NOT NULL,
	`level` integer NOT NULL,
	`comment` text,
	`rated_at` text NOT NULL,
	`window` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "case_ratings_level" CHECK("case_ratings"."level" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE INDEX `case_ratings_rated_at` ON `case_ratings` (`rated_at`);--> statement-breakpoint
CREATE TABLE `case_signatures` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text,
	`draft_id` text,
	`purpose` text NOT NULL,
	`png` blob NOT NULL,
	`sha256` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`source` text NOT NULL,
	`window_no` text NOT NULL,
	`clerk` text NOT NULL,
	`signed_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "case_signatures_one_owner" CHECK(("case_signatures"."draft_id" IS NULL) <> ("case_signatures"."case_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `case_signatures_case` ON `case_signatures` (`case_id`);--> statement-breakpoint
CREATE INDEX `case_signatures_draft` ON `case_signatures` (`draft_id`);--> statement-breakpoint
ALTER TABLE `cases` ADD `started_at` text;
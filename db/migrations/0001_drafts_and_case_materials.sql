CREATE TABLE `drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`item_code` text NOT NULL,
	`item_version` integer NOT NULL,
	`item_name` text NOT NULL,
	`definition` text NOT NULL,
	`form_data` text NOT NULL,
	`materials` text DEFAULT '[]' NOT NULL,
	`applicant_name` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `drafts_created_by` ON `drafts` (`created_by`,`updated_at`);--> statement-breakpoint
ALTER TABLE `cases` ADD `materials` text DEFAULT '[]' NOT NULL;
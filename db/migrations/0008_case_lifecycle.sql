CREATE TABLE `case_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text DEFAULT '' NOT NULL,
	`document_no` text NOT NULL,
	`file_name` text NOT NULL,
	`pdf` blob NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`pages` integer NOT NULL,
	`missing_characters` text DEFAULT '[]' NOT NULL,
	`created_by` text NOT NULL,
	`created_by_role` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_documents_case` ON `case_documents` (`case_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `case_documents_cause` ON `case_documents` (`case_id`,`kind`,`ref`);--> statement-breakpoint
CREATE TABLE `case_handouts` (
	`case_id` text PRIMARY KEY NOT NULL,
	`method` text NOT NULL,
	`collector_kind` text,
	`collector_name` text,
	`collector_id_no` text,
	`identity_check_id` text,
	`authorization` text,
	`recipient_name` text,
	`recipient_phone` text,
	`address` text,
	`carrier` text,
	`tracking_no` text,
	`handed_out_by` text NOT NULL,
	`handed_out_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `case_events` ADD `actor_role` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `center_code` text;--> statement-breakpoint
ALTER TABLE `case_events` ADD `window_no` text;
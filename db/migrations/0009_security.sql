CREATE TABLE `case_redactions` (
	`case_id` text PRIMARY KEY NOT NULL,
	`redacted_at` text NOT NULL,
	`personal_data_sha256` text NOT NULL,
	`blob_sha256s` text DEFAULT '[]' NOT NULL,
	`policy_days` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `password_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `password_history_user` ON `password_history` (`user_id`,`id`);
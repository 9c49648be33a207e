CREATE TABLE `identity_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`check_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`challenges` text NOT NULL,
	`liveness` text NOT NULL,
	`liveness_detail` text DEFAULT '{}' NOT NULL,
	`decision` text,
	`distance` real,
	`threshold_match` real,
	`threshold_no_match` real,
	`model_name` text,
	`model_version` text,
	`ms` integer,
	`live_sha256` text,
	`id_photo_sha256` text,
	`operator` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`check_id`) REFERENCES `identity_checks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_attempts_check` ON `identity_attempts` (`check_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `identity_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`driver` text NOT NULL,
	`training` integer DEFAULT false NOT NULL,
	`applicant_name` text NOT NULL,
	`id_number_masked` text NOT NULL,
	`id_number_hash` text NOT NULL,
	`card_valid_from` text,
	`card_valid_to` text,
	`card_expired` integer DEFAULT false NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`decision` text,
	`distance` real,
	`threshold_match` real,
	`threshold_no_match` real,
	`model_name` text,
	`model_version` text,
	`ms` integer,
	`live_sha256` text,
	`id_photo_sha256` text,
	`id_photo_unusable` integer DEFAULT false NOT NULL,
	`decided_by` text,
	`reason` text,
	`decided_at` text,
	`case_id` text,
	`draft_id` text,
	`operator` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_checks_id_hash` ON `identity_checks` (`id_number_hash`);--> statement-breakpoint
CREATE INDEX `identity_checks_case` ON `identity_checks` (`case_id`);--> statement-breakpoint
CREATE INDEX `identity_checks_created` ON `identity_checks` (`created_at`);--> statement-breakpoint
CREATE TABLE `identity_consents` (
	`id` text PRIMARY KEY NOT NULL,
	`check_id` text NOT NULL,
	`given` integer NOT NULL,
	`method` text NOT NULL,
	`notice_version` text NOT NULL,
	`notice_sha256` text NOT NULL,
	`operator` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`check_id`) REFERENCES `identity_checks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_consents_check` ON `identity_consents` (`check_id`);--> statement-breakpoint
CREATE TABLE `identity_credit_hits` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`key_hash` text NOT NULL,
	`value_masked` text NOT NULL,
	`category` text NOT NULL,
	`list_version` text NOT NULL,
	`check_id` text,
	`draft_id` text,
	`case_id` text,
	`operator` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_credit_hits_key` ON `identity_credit_hits` (`key_hash`);--> statement-breakpoint
CREATE INDEX `identity_credit_hits_draft` ON `identity_credit_hits` (`draft_id`);--> statement-breakpoint
CREATE TABLE `identity_face_images` (
	`id` text PRIMARY KEY NOT NULL,
	`check_id` text NOT NULL,
	`attempt_id` text,
	`kind` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`file` text,
	`created_at` text NOT NULL,
	`purge_after` text NOT NULL,
	`purged_at` text,
	FOREIGN KEY (`check_id`) REFERENCES `identity_checks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_face_images_purge` ON `identity_face_images` (`purged_at`,`purge_after`);--> statement-breakpoint
CREATE INDEX `identity_face_images_check` ON `identity_face_images` (`check_id`);--> statement-breakpoint
CREATE TABLE `identity_restricted_list` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`category` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `identity_restricted_list_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`version` text NOT NULL,
	`generated_at` text NOT NULL,
	`imported_at` text NOT NULL,
	`imported_by` text NOT NULL,
	`entries` integer NOT NULL,
	`skipped` integer NOT NULL,
	`file_sha256` text NOT NULL
);

CREATE TABLE `blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `material_pages` (
	`id` text PRIMARY KEY NOT NULL,
	`draft_id` text,
	`case_id` text,
	`material_id` text NOT NULL,
	`page_order` integer NOT NULL,
	`sha256` text NOT NULL,
	`source_sha256` text NOT NULL,
	`edits` text DEFAULT '[]' NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`width` integer,
	`height` integer,
	`source` text NOT NULL,
	`file_name` text,
	`origin_case_no` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "material_pages_one_owner" CHECK(("material_pages"."draft_id" IS NULL) <> ("material_pages"."case_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `material_pages_draft` ON `material_pages` (`draft_id`,`material_id`,`page_order`);--> statement-breakpoint
CREATE INDEX `material_pages_case` ON `material_pages` (`case_id`,`material_id`,`page_order`);--> statement-breakpoint
CREATE INDEX `material_pages_sha256` ON `material_pages` (`sha256`);--> statement-breakpoint
CREATE TABLE `material_pdfs` (
	`case_id` text NOT NULL,
	`material_id` text NOT NULL,
	`sha256` text NOT NULL,
	`page_count` integer NOT NULL,
	`built_at` text NOT NULL,
	PRIMARY KEY(`case_id`, `material_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sha256`) REFERENCES `blobs`(`sha256`) ON UPDATE no action ON DELETE no action
);

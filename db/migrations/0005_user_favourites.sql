CREATE TABLE `user_favourites` (
	`username` text NOT NULL,
	`item_code` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_favourites_pk` ON `user_favourites` (`username`,`item_code`);
ALTER TABLE "devices" ADD COLUMN "app_version" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "backlog" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "oldest_pending_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "dead_letters" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reviewers" ADD COLUMN "it_admin" boolean DEFAULT false NOT NULL;
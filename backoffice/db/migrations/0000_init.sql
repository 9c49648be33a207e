CREATE TABLE "applied_mutations" (
	"device_id" text NOT NULL,
	"mutation_id" text NOT NULL,
	"kind" text NOT NULL,
	"result" jsonb NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	CONSTRAINT "applied_mutations_device_id_mutation_id_pk" PRIMARY KEY("device_id","mutation_id")
);
--> statement-breakpoint
CREATE TABLE "blob_uploads" (
	"sha256" text PRIMARY KEY NOT NULL,
	"total" bigint NOT NULL,
	"received" bigint NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"media_type" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "broadcast_blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_blobs" (
	"case_id" text NOT NULL,
	"sha256" text NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "case_blobs_case_id_sha256_role_pk" PRIMARY KEY("case_id","sha256","role")
);
--> statement-breakpoint
CREATE TABLE "case_supplements" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"submitted_by" text NOT NULL,
	"note" text,
	"materials" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"device_id" text NOT NULL,
	"center_code" text NOT NULL,
	"window_no" text NOT NULL,
	"item_code" text NOT NULL,
	"item_version" integer NOT NULL,
	"item_name" text NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"accepted_by" text NOT NULL,
	"promised_date" text,
	"applicant" jsonb NOT NULL,
	"form_data" jsonb NOT NULL,
	"materials" jsonb NOT NULL,
	"approval" jsonb NOT NULL,
	"status" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "cases_case_no_unique" UNIQUE("case_no")
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"case_id" text PRIMARY KEY NOT NULL,
	"certificate_no" text NOT NULL,
	"sha256" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "certificates_certificate_no_unique" UNIQUE("certificate_no")
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"device_id" text,
	"case_id" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "changes_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "device_audit_entries" (
	"device_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"case_id" text,
	"detail" jsonb,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "device_audit_entries_device_id_entry_id_pk" PRIMARY KEY("device_id","entry_id")
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"name" text NOT NULL,
	"center_code" text NOT NULL,
	"window_no" text NOT NULL,
	"label" text,
	"enrolled_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "enrolment_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"center_code" text NOT NULL,
	"window_no" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_device" text
);
--> statement-breakpoint
CREATE TABLE "review_access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reviewer_id" text NOT NULL,
	"case_id" text,
	"action" text NOT NULL,
	"target" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"department" text NOT NULL,
	"role" text NOT NULL,
	"status" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decision" text,
	"reason" text,
	"materials_wanted" jsonb,
	"decided_by" text,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"supplement_requested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reviewer_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"reviewer_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviewers" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"department" text NOT NULL,
	"display_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"disabled_at" timestamp with time zone,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	CONSTRAINT "reviewers_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "applied_mutations" ADD CONSTRAINT "applied_mutations_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_blobs" ADD CONSTRAINT "broadcast_blobs_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_blobs" ADD CONSTRAINT "case_blobs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_blobs" ADD CONSTRAINT "case_blobs_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_supplements" ADD CONSTRAINT "case_supplements_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_audit_entries" ADD CONSTRAINT "device_audit_entries_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_sessions" ADD CONSTRAINT "reviewer_sessions_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_blobs_sha_idx" ON "case_blobs" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "case_supplements_case_idx" ON "case_supplements" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "cases_device_idx" ON "cases" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status");--> statement-breakpoint
CREATE INDEX "changes_device_seq_idx" ON "changes" USING btree ("device_id","seq");--> statement-breakpoint
CREATE INDEX "device_audit_case_idx" ON "device_audit_entries" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "review_tasks_queue_idx" ON "review_tasks" USING btree ("department","status","deadline");--> statement-breakpoint
CREATE INDEX "review_tasks_case_idx" ON "review_tasks" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "reviewer_sessions_reviewer_idx" ON "reviewer_sessions" USING btree ("reviewer_id");
CREATE TABLE "device_audit_flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	"seq" bigint NOT NULL,
	"detail" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_audit_heads" (
	"device_id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"witnessed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "identity_check" jsonb;--> statement-breakpoint
ALTER TABLE "device_audit_entries" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "device_audit_entries" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "device_audit_entries" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "device_audit_entries" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "device_audit_flags" ADD CONSTRAINT "device_audit_flags_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_audit_heads" ADD CONSTRAINT "device_audit_heads_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_audit_flags_device_idx" ON "device_audit_flags" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "device_audit_seq_idx" ON "device_audit_entries" USING btree ("device_id","seq");
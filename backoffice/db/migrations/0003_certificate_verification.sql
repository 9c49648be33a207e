ALTER TABLE "certificates" ADD COLUMN "verify_code" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "valid_until" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_verify_code_unique" UNIQUE("verify_code");
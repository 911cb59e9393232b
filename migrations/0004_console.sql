CREATE TABLE "console_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"thread_of" bigint,
	"card" jsonb NOT NULL,
	"visible_to" text,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "console_messages" ADD CONSTRAINT "console_messages_thread_of_console_messages_id_fk" FOREIGN KEY ("thread_of") REFERENCES "public"."console_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "console_messages_channel_idx" ON "console_messages" USING btree ("channel","id");--> statement-breakpoint
CREATE INDEX "console_messages_thread_idx" ON "console_messages" USING btree ("thread_of");--> statement-breakpoint
CREATE UNIQUE INDEX "console_messages_idempotency_uq" ON "console_messages" USING btree ("idempotency_key");
CREATE TABLE "chat_workspace_pace" (
	"platform" text PRIMARY KEY NOT NULL,
	"next_update_at" timestamp with time zone NOT NULL
);

CREATE TABLE "platform_objects" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "platform_objects_kind_id_pk" PRIMARY KEY("kind","id")
);

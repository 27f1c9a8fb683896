-- Modify "scenarios" table
ALTER TABLE "scenarios" ADD COLUMN "version" bigint NOT NULL DEFAULT 0;

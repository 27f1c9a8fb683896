-- Modify "deployments" table
ALTER TABLE "deployments" ADD COLUMN "cost_note" character varying NOT NULL DEFAULT '', ADD COLUMN "plan" jsonb NULL;
-- Modify "pipelines" table
ALTER TABLE "pipelines" ADD COLUMN "problems" jsonb NOT NULL DEFAULT '[]', ADD COLUMN "plan" jsonb NULL;

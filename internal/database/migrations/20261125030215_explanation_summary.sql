-- Modify "explanations" table
ALTER TABLE "explanations" ADD COLUMN "winner" character varying NOT NULL DEFAULT '', ADD COLUMN "runner_up" character varying NOT NULL DEFAULT '', ADD COLUMN "score_difference" double precision NOT NULL DEFAULT 0, ADD COLUMN "catalog_version" character varying NOT NULL DEFAULT '';

-- Modify "experiment_observations" table
ALTER TABLE "experiment_observations" ADD COLUMN "cuped" jsonb NULL;

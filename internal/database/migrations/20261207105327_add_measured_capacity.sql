-- Modify "deployments" table
ALTER TABLE "deployments" ADD COLUMN "measured_capacity" jsonb NULL, ADD COLUMN "measured_capacity_note" character varying NOT NULL DEFAULT 'no SWEEP load test of this deployment has completed: run one of at least 3 rates, the highest past what the server can serve';

-- Modify "compliance_profiles" table
ALTER TABLE "compliance_profiles" ADD COLUMN "tier_reasons" jsonb NOT NULL DEFAULT '[]', ADD COLUMN "previous_rule_set_version" character varying NULL, ADD COLUMN "rule_changes" jsonb NOT NULL DEFAULT '[]', ADD COLUMN "stale_reason" character varying NULL;

-- Modify "judge_answers" table
ALTER TABLE "judge_answers" ADD CONSTRAINT "judge_answers_users_judge_answers" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;
-- Create index "judgeanswer_owner_id" to table: "judge_answers"
CREATE INDEX "judgeanswer_owner_id" ON "judge_answers" ("owner_id");

-- Drop index "benchmarkitemresult_benchmark_id_model_item" from table: "benchmark_item_results"
DROP INDEX "benchmarkitemresult_benchmark_id_model_item";
-- Modify "benchmark_item_results" table
ALTER TABLE "benchmark_item_results" ADD COLUMN "repeat" bigint NOT NULL DEFAULT 0;
-- Create index "benchmarkitemresult_benchmark_id_model_item_repeat" to table: "benchmark_item_results"
CREATE UNIQUE INDEX "benchmarkitemresult_benchmark_id_model_item_repeat" ON "benchmark_item_results" ("benchmark_id", "model", "item", "repeat");
-- Modify "benchmarks" table
ALTER TABLE "benchmarks" ADD COLUMN "repeats" bigint NOT NULL DEFAULT 1;

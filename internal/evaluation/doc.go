// Package evaluation computes paired comparisons, repeat- and cluster-aware scores, regression gates and judge
// calibration from plain values; it stores nothing and knows nothing of GraphQL, HTTP or the database.
//
// Scores are numbers in [0, 1], one per repeat ("epoch" in Inspect AI) of an item: 0/1 for pass/fail checks,
// anything between for graded ones. Repeats are averaged per item first and items are then averaged, so an
// item counts once however often it was run (DOMAIN.md §8.2; Miller 2024, "Adding Error Bars to Evals",
// arXiv 2411.00640).
package evaluation

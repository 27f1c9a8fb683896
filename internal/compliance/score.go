package compliance

import "math"

// severityWeight is a rule's weight in the failed share by severity (DOMAIN.md 5.4). A PROHIBITED rule that
// passes weighs like a CRITICAL one; one that fails sets the score to 100.
var severityWeight = map[Severity]float64{
	SeverityProhibited: 10,
	SeverityCritical:   10,
	SeverityHigh:       5,
	SeverityMedium:     2,
	SeverityLow:        1,
}

// band is the score range and level of the most severe finding.
type band struct {
	low, high float64
	level     Level
}

var severityBand = map[Severity]band{
	SeverityCritical: {75, 99, LevelCritical},
	SeverityHigh:     {50, 74, LevelHigh},
	SeverityMedium:   {25, 49, LevelMedium},
	SeverityLow:      {1, 24, LevelLow},
}

// Score is the risk score and level of an assessment whose in-scope rules failed with the severities in
// failed and passed with those in passed. The most severe finding sets the band and the level; DOMAIN.md
// 5.4's weighted failed share places the score inside the band:
//
//	r     = Σ_failed w / (Σ_failed w + Σ_passed w),  w = {critical 10, high 5, medium 2, low 1}
//	score = round(low + (high − low)·r),  bands: LOW 1–24, MEDIUM 25–49, HIGH 50–74, CRITICAL 75–99
//
// A PROHIBITED finding gives 100 and level PROHIBITED; no findings give 0 and NONE. Adding a finding never
// lowers the score: r becomes (n+w)/(d+w) or (n+w)/d, both ≥ n/d since n ≤ d, and a more severe finding
// moves to a band whose lowest score exceeds the previous band's highest.
func Score(failed, passed []Severity) (int, Level) {
	if len(failed) == 0 {
		return 0, LevelNone
	}
	var bad, total float64
	worst := SeverityLow
	for _, s := range failed {
		if s == SeverityProhibited {
			return 100, LevelProhibited
		}
		bad += severityWeight[s]
		if severityRank(s) < severityRank(worst) {
			worst = s
		}
	}
	total = bad
	for _, s := range passed {
		total += severityWeight[s]
	}
	b := severityBand[worst]
	return int(math.Round(b.low + (b.high-b.low)*bad/total)), b.level
}

package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Bandit defaults (GrowthBook gbstats bayesian/bandits.py BanditConfig and Bandits.compute_result,
// growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469).
const (
	// DefaultBanditMinShare is the traffic floor of each arm still running (min_variation_weight = 0.01).
	DefaultBanditMinShare = 0.01
	// DefaultBanditWarmupUnits is the units every arm needs before weights follow the posterior ("total
	// sample size must be at least 100 per variation").
	DefaultBanditWarmupUnits = 100
	// DefaultBanditDraws is the number of posterior draws for P(best) with more than two arms (n_samples = 1e4).
	DefaultBanditDraws = 10000
)

// BanditArm is one arm's data: the reward it optimises and, optionally, the secondary metrics its
// guardrails watch. Use Binary.AsContinuous for a conversion reward.
type BanditArm struct {
	Key    string
	Reward Continuous
	// Quality and Cost are per-unit estimates of secondary metrics (e.g. a judge score and dollars per
	// request); nil when not measured. They are checked against BanditConfig.QualityFloor and CostCeiling.
	Quality *Continuous
	Cost    *Continuous
}

// BanditConfig tunes UpdateBandit. The zero value means the defaults and no guardrails.
type BanditConfig struct {
	LowerIsBetter bool    // the reward is a cost to minimise (latency, say)
	MinShare      float64 // traffic floor per running arm; 0 means DefaultBanditMinShare
	WarmupUnits   int64   // 0 means DefaultBanditWarmupUnits
	Draws         int     // posterior draws when more than two arms run; 0 means DefaultBanditDraws
	Seed          uint64  // seeds the draws: the same data and seed give the same weights
	// QualityFloor stops an arm whose quality is, with always-valid one-sided confidence ConfidenceLevel,
	// below it; CostCeiling one whose cost is above it. nil means no such guardrail.
	QualityFloor *float64
	CostCeiling  *float64
	// ConfidenceLevel of the guardrails' one-sided bounds; 0 means DefaultConfidenceLevel.
	ConfidenceLevel float64
	// Sequential tunes the guardrails' confidence sequences (Tuning is N* in units of one arm here).
	Sequential Sequential
}

// BanditArmResult is one arm's new traffic share and why.
type BanditArmResult struct {
	Key             string
	Weight          float64 // the new traffic share; the weights sum to 1 unless every arm is stopped
	ProbabilityBest float64 // P(this arm has the best reward) among the running arms
	PosteriorMean   float64
	PosteriorStdDev float64
	Stopped         bool
	Reason          string // why the arm is stopped, or why its weight is what it is
}

// BanditResult is a Thompson-sampling update.
type BanditResult struct {
	Arms   []BanditArmResult // in input order
	WarmUp bool              // true: some running arm is below WarmupUnits, so running arms share equally
	// Simulated is true when P(best) comes from Draws posterior draws, false for the two-arm closed form.
	Simulated bool
	Notes     []string
}

// UpdateBandit computes Thompson-sampling traffic weights (GrowthBook docs/bandits/overview.mdx and gbstats
// bayesian/bandits.py): each arm's reward has the normal posterior N(Ȳ, s²/n) of a flat prior; P(best) is
// Φ((m₁ − m₂)/√(v₁ + v₂)) for two running arms and the share of Draws seeded joint draws in which the arm is
// best otherwise; the new weights are the floored P(best), f + (1 − k·f)·P(best) over the k running arms
// (gbstats' additive floor, which keeps the posterior's ordering). Until every running arm has WarmupUnits
// units, running arms share traffic equally. Guardrails run first, at every update: an arm whose
// always-valid one-sided bound puts its quality below QualityFloor or its cost above CostCeiling is stopped
// (weight 0, with the reason). An arm whose reward has no variance yet borrows the pooled variance of the
// others. Top-two sampling is not implemented. Bandit estimates are biased by the adaptive allocation
// (GrowthBook's bandit documentation says so too): use them to route traffic, not to report effects.
func UpdateBandit(arms []BanditArm, cfg BanditConfig) (BanditResult, error) {
	cfg, err := cfg.resolve(len(arms))
	if err != nil {
		return BanditResult{}, err
	}
	seen := map[string]bool{}
	for i, a := range arms {
		field := fmt.Sprintf("arms[%d]", i)
		if a.Key == "" {
			return BanditResult{}, invalid(field+".key", "must not be empty")
		}
		if seen[a.Key] {
			return BanditResult{}, invalid(field+".key", "%q appears twice; arm keys must be unique", a.Key)
		}
		seen[a.Key] = true
		if err := a.Reward.Validate(field + ".reward"); err != nil {
			return BanditResult{}, err
		}
		if a.Quality != nil {
			if err := a.Quality.Validate(field + ".quality"); err != nil {
				return BanditResult{}, err
			}
		}
		if a.Cost != nil {
			if err := a.Cost.Validate(field + ".cost"); err != nil {
				return BanditResult{}, err
			}
		}
	}

	res := BanditResult{Arms: make([]BanditArmResult, len(arms))}
	var running []int
	for i, a := range arms {
		r := &res.Arms[i]
		r.Key = a.Key
		r.PosteriorMean = a.Reward.Mean
		r.PosteriorStdDev = stdErr(a.Reward)
		if reason := cfg.guardrail(a); reason != "" {
			r.Stopped, r.Reason = true, reason
			continue
		}
		running = append(running, i)
	}
	if len(running) == 0 {
		res.Notes = append(res.Notes, "every arm is stopped by a guardrail; end the experiment or relax the guardrails")
		return res, nil
	}

	for _, i := range running {
		if arms[i].Reward.Count < cfg.WarmupUnits {
			res.WarmUp = true
		}
	}
	if res.WarmUp {
		for _, i := range running {
			res.Arms[i].Weight = 1 / float64(len(running))
			res.Arms[i].ProbabilityBest = 1 / float64(len(running))
			res.Arms[i].Reason = fmt.Sprintf("warm-up: running arms share traffic equally until each has %d units", cfg.WarmupUnits)
		}
		return res, nil
	}

	means := make([]float64, len(running))
	vars := make([]float64, len(running))
	var pooledNum, pooledDen float64
	for k, i := range running {
		r := arms[i].Reward
		means[k] = r.Mean
		vars[k] = r.Variance / float64(r.Count)
		pooledNum += r.Variance * float64(r.Count-1)
		pooledDen += float64(r.Count - 1)
	}
	if pooledDen > 0 && pooledNum > 0 {
		for k, i := range running {
			if vars[k] == 0 {
				vars[k] = pooledNum / pooledDen / float64(arms[i].Reward.Count)
				res.Notes = append(res.Notes, fmt.Sprintf("arm %q has no variance in its reward yet; it borrows the pooled variance of the others", arms[i].Key))
			}
		}
	}
	if cfg.LowerIsBetter {
		for k := range means {
			means[k] = -means[k]
		}
	}
	var pBest []float64
	switch len(running) {
	case 1:
		pBest = []float64{1}
	case 2:
		pBest = probBestTwo(means, vars)
	default:
		res.Simulated = true
		pBest = probBestSimulated(means, vars, cfg.Draws, rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)))
	}
	k := float64(len(running))
	for j, i := range running {
		r := &res.Arms[i]
		r.PosteriorStdDev = math.Sqrt(vars[j])
		r.ProbabilityBest = pBest[j]
		r.Weight = cfg.MinShare + (1-k*cfg.MinShare)*pBest[j]
		r.Reason = fmt.Sprintf("P(best) = %.3g, floored at %g", pBest[j], cfg.MinShare)
	}
	return res, nil
}

func (c BanditConfig) resolve(arms int) (BanditConfig, error) {
	if arms < 1 {
		return BanditConfig{}, invalid("arms", "need at least 1 arm")
	}
	if !finite(c.MinShare) || c.MinShare < 0 {
		return BanditConfig{}, invalid("minShare", "must be a share ≥ 0, got %g", c.MinShare)
	}
	if c.MinShare == 0 {
		c.MinShare = DefaultBanditMinShare
	}
	if c.MinShare*float64(arms) >= 1 {
		return BanditConfig{}, invalid("minShare", "%g per arm for %d arms leaves nothing to allocate; use less than %g", c.MinShare, arms, 1/float64(arms))
	}
	if c.WarmupUnits < 0 {
		return BanditConfig{}, invalid("warmupUnits", "must be ≥ 0, got %d", c.WarmupUnits)
	}
	if c.WarmupUnits == 0 {
		c.WarmupUnits = DefaultBanditWarmupUnits
	}
	if c.WarmupUnits < 2 {
		c.WarmupUnits = 2 // a posterior needs a variance
	}
	if c.Draws < 0 || c.Draws > 10_000_000 {
		return BanditConfig{}, invalid("draws", "must be between 1 and 10,000,000, got %d", c.Draws)
	}
	if c.Draws == 0 {
		c.Draws = DefaultBanditDraws
	}
	if c.QualityFloor != nil && !finite(*c.QualityFloor) {
		return BanditConfig{}, invalid("qualityFloor", "must be a finite number")
	}
	if c.CostCeiling != nil && !finite(*c.CostCeiling) {
		return BanditConfig{}, invalid("costCeiling", "must be a finite number")
	}
	confidence, err := checkConfidence(c.ConfidenceLevel)
	if err != nil {
		return BanditConfig{}, err
	}
	c.ConfidenceLevel = confidence
	if c.Sequential, err = c.Sequential.resolve(); err != nil {
		return BanditConfig{}, err
	}
	return c, nil
}

// guardrail returns why arm a must stop, or "". The guardrails are checked at every update, so they use
// one-sided always-valid bounds (gbstats sequential_interval_halfwidth_one_sided, arXiv 2103.06476v7
// eq. 134, with ρ from 2α) over the arm's own units; an arm with fewer than Sequential.MinUnits values is
// not judged yet.
func (c BanditConfig) guardrail(a BanditArm) string {
	alpha := 1 - c.ConfidenceLevel
	bound := func(m *Continuous) (lower, upper float64, ok bool) {
		if m == nil || m.Count < c.Sequential.MinUnits || m.Count < 2 {
			return 0, 0, false
		}
		h := oneSidedSequentialHalfWidth(stdErr(*m), float64(m.Count), sequentialRho(2*alpha, c.Sequential.Tuning), alpha)
		return m.Mean - h, m.Mean + h, true
	}
	if c.QualityFloor != nil {
		if _, upper, ok := bound(a.Quality); ok && upper < *c.QualityFloor {
			return fmt.Sprintf("quality %.4g is below the floor %g (upper %g%% always-valid bound %.4g)", a.Quality.Mean, *c.QualityFloor, 100*c.ConfidenceLevel, upper)
		}
	}
	if c.CostCeiling != nil {
		if lower, _, ok := bound(a.Cost); ok && lower > *c.CostCeiling {
			return fmt.Sprintf("cost %.4g is above the ceiling %g (lower %g%% always-valid bound %.4g)", a.Cost.Mean, *c.CostCeiling, 100*c.ConfidenceLevel, lower)
		}
	}
	return ""
}

// oneSidedSequentialHalfWidth is √(σ²·2(nρ² + 1)/(nρ)²·ln(1 + √(nρ² + 1)/(2α))) with σ² = se²·n
// (gbstats sequential_interval_halfwidth_one_sided).
func oneSidedSequentialHalfWidth(se, n, rho, alpha float64) float64 {
	nr2 := n * rho * rho
	return se * math.Sqrt(2*(nr2+1)/nr2*math.Log(1+math.Sqrt(nr2+1)/(2*alpha)))
}

// probBestTwo is the closed form for two independent normal posteriors: P(1 best) = Φ((m₁ − m₂)/√(v₁ + v₂)).
func probBestTwo(means, vars []float64) []float64 {
	sd := math.Sqrt(vars[0] + vars[1])
	var p float64
	switch {
	case sd > 0:
		p = distuv.UnitNormal.CDF((means[0] - means[1]) / sd)
	case means[0] > means[1]:
		p = 1
	case means[0] == means[1]:
		p = 0.5
	}
	return []float64{p, 1 - p}
}

// probBestSimulated is the share of draws joint posterior draws in which each arm is the largest; ties
// (point-mass posteriors) share the draw.
func probBestSimulated(means, vars []float64, draws int, rng *rand.Rand) []float64 {
	sds := make([]float64, len(means))
	for i, v := range vars {
		sds[i] = math.Sqrt(v)
	}
	wins := make([]float64, len(means))
	y := make([]float64, len(means))
	var tied []int
	for range draws {
		for i := range y {
			y[i] = means[i] + sds[i]*rng.NormFloat64()
		}
		best := slices.Max(y)
		tied = tied[:0]
		for i, v := range y {
			if v == best {
				tied = append(tied, i)
			}
		}
		for _, i := range tied {
			wins[i] += 1 / float64(len(tied))
		}
	}
	for i := range wins {
		wins[i] /= float64(draws)
	}
	return wins
}

// AsContinuous is the exact aggregate of the 0/1 outcomes behind a binary aggregate: mean p and sample
// variance p(1 − p)·n/(n − 1).
func (b Binary) AsContinuous() Continuous {
	if b.Trials == 0 {
		return Continuous{}
	}
	n := float64(b.Trials)
	p := b.Rate()
	c := Continuous{Count: b.Trials, Mean: p}
	if b.Trials > 1 {
		c.Variance = p * (1 - p) * n / (n - 1)
	}
	return c
}

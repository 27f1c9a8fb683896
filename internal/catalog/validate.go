package catalog

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Known region codes a model can process data in.
var knownRegions = map[string]bool{"US": true, "EU": true, "APAC": true, "CN": true, "GLOBAL": true}

// Known instance providers.
var knownInstanceProviders = map[string]bool{"AWS": true, "GCP": true, "AZURE": true}

// Validate checks a catalog: every row and figure group has a source, a date and an estimate flag (the flag's
// presence is checked when parsing JSON, see Parse), ids are unique, prices and figures are non-negative and
// finite, and instances name a known GPU. It returns ValidationErrors listing every problem, or nil.
func Validate(c *Catalog) error {
	if c == nil {
		return ValidationErrors{{Field: "catalog", Reason: "is nil"}}
	}
	var v validator
	v.catalog(c)
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

type validator struct{ errs ValidationErrors }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) catalog(c *Catalog) {
	if len(c.Models) == 0 {
		v.add("models", "is empty: a catalog needs at least one model")
	}
	ids := make(map[string]int, len(c.Models))
	for i := range c.Models {
		m := &c.Models[i]
		f := fmt.Sprintf("models[%d]", i)
		if prev, dup := ids[m.ID]; dup && m.ID != "" {
			v.add(f+".id", "duplicate id %q (also models[%d])", m.ID, prev)
		}
		ids[m.ID] = i
		v.model(f, m)
	}
	gpus := make(map[string]bool, len(c.GPUs))
	for i, g := range c.GPUs {
		f := fmt.Sprintf("gpus[%d]", i)
		if g.Name == "" {
			v.add(f+".name", "is empty")
		} else if gpus[g.Name] {
			v.add(f+".name", "duplicate GPU %q", g.Name)
		}
		gpus[g.Name] = true
		v.positive(f+".memoryGB", g.MemoryGB)
		v.positive(f+".bf16TFLOPS", g.BF16TFLOPS)
		v.positive(f+".hbmTBPerSec", g.HBMTBPerSec)
		v.provenance(f+".provenance", g.Provenance)
	}
	seen := make(map[string]int, len(c.Instances))
	for i, in := range c.Instances {
		f := fmt.Sprintf("instances[%d]", i)
		key := in.Provider + "/" + in.Type + "/" + in.Region
		if prev, dup := seen[key]; dup {
			v.add(f, "duplicate instance %s in %s (also instances[%d])", in.Type, in.Region, prev)
		}
		seen[key] = i
		if !knownInstanceProviders[in.Provider] {
			v.add(f+".provider", "%q is not one of AWS, GCP, AZURE", in.Provider)
		}
		if in.Type == "" {
			v.add(f+".type", "is empty")
		}
		if in.Region == "" {
			v.add(f+".region", "is empty")
		}
		if !gpus[in.GPU] {
			v.add(f+".gpu", "%q is not in gpus; add the GPU or fix the name", in.GPU)
		}
		if in.GPUCount <= 0 {
			v.add(f+".gpuCount", "must be positive, got %d", in.GPUCount)
		}
		if !in.HourlyUSD.IsPositive() {
			v.add(f+".hourlyUSD", "must be positive, got %s", in.HourlyUSD)
		}
		v.provenance(f+".provenance", in.Provenance)
	}
}

func (v *validator) model(f string, m *Model) {
	provider, name, ok := strings.Cut(m.ID, "/")
	switch {
	case m.ID == "":
		v.add(f+".id", "is empty")
	case !ok || provider == "" || name == "":
		v.add(f+".id", "%q is not of the form provider/model", m.ID)
	case provider != m.Provider:
		v.add(f+".provider", "%q does not match the id's provider %q", m.Provider, provider)
	}
	if m.Name == "" {
		v.add(f+".name", "is empty")
	}
	if m.Mode == "" {
		v.add(f+".mode", "is empty")
	}
	v.price(f+".inputPerToken", &m.InputPerToken)
	v.price(f+".outputPerToken", &m.OutputPerToken)
	v.price(f+".cachedInputPerToken", m.CachedInputPerToken)
	v.price(f+".cachedInputPerTokenAboveTier", m.CachedInputPerTokenAboveTier)
	v.price(f+".inputPerTokenAboveTier", m.InputPerTokenAboveTier)
	v.price(f+".outputPerTokenAboveTier", m.OutputPerTokenAboveTier)
	v.price(f+".reasoningPerToken", m.ReasoningPerToken)
	hasTier := m.InputPerTokenAboveTier != nil || m.OutputPerTokenAboveTier != nil || m.CachedInputPerTokenAboveTier != nil
	if m.LongContextThreshold < 0 {
		v.add(f+".longContextThreshold", "must not be negative")
	}
	if hasTier != (m.LongContextThreshold > 0) {
		v.add(f+".longContextThreshold", "must be set exactly when a long-context (*AboveTier) price is set")
	}
	if m.SelfHostOnly {
		if !m.InputPerToken.IsZero() || !m.OutputPerToken.IsZero() {
			v.add(f+".selfHostOnly", "a self-host-only model has no API price; set its prices to 0")
		}
	} else if !m.InputPerToken.IsPositive() && !m.OutputPerToken.IsPositive() {
		v.add(f+".inputPerToken", "a hosted model needs a price; mark it selfHostOnly if it has none")
	}
	v.provenance(f+".price", m.Price)
	if m.ContextWindow <= 0 {
		v.add(f+".contextWindow", "must be positive, got %d", m.ContextWindow)
	}
	if m.ContextLimit != ContextTotal && m.ContextLimit != ContextSplit {
		v.add(f+".contextLimit", "must be TOTAL (input + output share the window) or SPLIT (the window limits input), got %q", m.ContextLimit)
	}
	if m.MaxOutputTokens < 0 {
		v.add(f+".maxOutputTokens", "must not be negative, got %d", m.MaxOutputTokens)
	}
	if m.DeprecationDate != "" {
		v.date(f+".deprecationDate", m.DeprecationDate)
	}
	v.nonNegative(f+".parametersBillions", m.ParametersBillions)
	v.nonNegative(f+".activeParametersBillions", m.ActiveParametersBillions)
	for j, r := range m.Regions {
		if !knownRegions[r] {
			v.add(fmt.Sprintf("%s.regions[%d]", f, j), "%q is not one of US, EU, APAC, CN, GLOBAL", r)
		}
	}
	for r, u := range m.RegionalUplift {
		if !knownRegions[r] {
			v.add(f+".regionalUplift."+r, "unknown region")
		}
		if !u.IsPositive() {
			v.add(f+".regionalUplift."+r, "must be positive, got %s", u)
		}
	}
	v.provenance(f+".facts", m.Facts)
	if q := m.Quality; q != nil {
		if q.IntelligenceIndex != nil && (!finite(*q.IntelligenceIndex) || *q.IntelligenceIndex < 0 || *q.IntelligenceIndex > 100) {
			v.add(f+".quality.intelligenceIndex", "must be within 0..100")
		}
		if q.GPQADiamond != nil && (!finite(*q.GPQADiamond) || *q.GPQADiamond < 0 || *q.GPQADiamond > 1) {
			v.add(f+".quality.gpqaDiamond", "must be within 0..1")
		}
		for _, c := range Complexities {
			t, ok := q.Tiers[c]
			if !ok {
				v.add(f+".quality.tiers."+string(c), "is missing")
			} else if t < TierUnsuitable || t > TierGood {
				v.add(f+".quality.tiers."+string(c), "must be within 0..3, got %d", t)
			}
		}
		for c := range q.Tiers {
			if !c.Valid() {
				v.add(f+".quality.tiers."+string(c), "unknown complexity")
			}
		}
		v.provenance(f+".quality.provenance", q.Provenance)
	}
	if s := m.Speed; s != nil {
		v.nonNegative(f+".speed.ttftMillis", s.TTFTMillis)
		v.positive(f+".speed.outputTokensPerSecond", s.OutputTokensPerSecond)
		v.provenance(f+".speed.provenance", s.Provenance)
	}
}

func (v *validator) price(f string, p *decimal.Decimal) {
	if p != nil && p.IsNegative() {
		v.add(f, "must not be negative, got %s", p)
	}
}

func (v *validator) positive(f string, x float64) {
	if !finite(x) || x <= 0 {
		v.add(f, "must be a positive number, got %v", x)
	}
}

func (v *validator) nonNegative(f string, x float64) {
	if !finite(x) || x < 0 {
		v.add(f, "must not be negative, got %v", x)
	}
}

func (v *validator) provenance(f string, p Provenance) {
	if strings.TrimSpace(p.Source) == "" {
		v.add(f+".source", "is empty: every figure needs the URL or document it comes from")
	}
	if p.AsOf == "" {
		v.add(f+".asOf", "is empty: every figure needs the date it was published or read (YYYY-MM-DD)")
	} else {
		v.date(f+".asOf", p.AsOf)
	}
}

func (v *validator) date(f, s string) {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		v.add(f, "%q is not a date of the form YYYY-MM-DD", s)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

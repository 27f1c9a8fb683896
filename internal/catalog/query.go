package catalog

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// Model returns the model with the given id ("provider/model").
func (c *Catalog) Model(id string) (Model, error) {
	for _, m := range c.Models {
		if m.ID == id {
			return m, nil
		}
	}
	// "provider/model@effort" where the effort is the base row's own: the base row, under the asked id.
	if effort := EffortOf(id); effort != "" {
		for _, m := range c.Models {
			if m.ID == BaseID(id) && m.Effort == effort {
				m.ID = id
				return m, nil
			}
		}
	}
	return Model{}, fmt.Errorf("model %q: %w", id, ErrNotFound)
}

// CanonicalID is the id of the catalog row id resolves to: "openai/gpt-5" for "openai/gpt-5@minimal" when the
// base row was measured at minimal effort; id itself otherwise (also when it is not in the catalog). Figures
// measured under either id belong to the one row.
func (c *Catalog) CanonicalID(id string) string {
	if effort := EffortOf(id); effort != "" {
		for _, m := range c.Models {
			if m.ID == BaseID(id) && m.Effort == effort {
				return m.ID
			}
		}
	}
	return id
}

// GPU returns the GPU with the given name.
func (c *Catalog) GPU(name string) (GPU, error) {
	for _, g := range c.GPUs {
		if g.Name == name {
			return g, nil
		}
	}
	return GPU{}, fmt.Errorf("GPU %q: %w", name, ErrNotFound)
}

// Instance returns the instance type of a provider in a region.
func (c *Catalog) Instance(provider, typ, region string) (Instance, error) {
	for _, in := range c.Instances {
		if in.Provider == provider && in.Type == typ && in.Region == region {
			return in, nil
		}
	}
	return Instance{}, fmt.Errorf("instance %s %s in %s: %w", provider, typ, region, ErrNotFound)
}

// ModelFilter selects models for FindModels; zero fields do not filter.
type ModelFilter struct {
	Provider          string           // model API, e.g. "openai"
	Mode              string           // e.g. "chat"
	Capabilities      []string         // the model has every one
	Region            string           // the model can process data in this region (US, EU, APAC, CN, GLOBAL)
	Attestations      []string         // the model has every one (HIPAA_BAA, ZDR, ...)
	MaxInputPerToken  *decimal.Decimal // list input price at most this
	MaxOutputPerToken *decimal.Decimal // list output price at most this
	MinContextWindow  int              // context window at least this many tokens
	MinTier           Tier             // tier at TierAt at least this (needs TierAt)
	TierAt            Complexity       // complexity MinTier applies to
	HasSpeed          bool             // only models with a speed figure
	HostedOnly        bool             // leave out self-host-only models
}

// ModelOrderField is what FindModels sorts by.
type ModelOrderField string

const (
	OrderByName          ModelOrderField = "NAME"           // id
	OrderByPrice         ModelOrderField = "PRICE"          // BlendedPerToken
	OrderBySpeed         ModelOrderField = "SPEED"          // output tokens per second
	OrderByQuality       ModelOrderField = "QUALITY"        // intelligence index
	OrderByContextWindow ModelOrderField = "CONTEXT_WINDOW" // context window
)

// Direction is an ordering direction.
type Direction string

const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// ModelOrder orders FindModels. The zero value orders by id ascending. Models without the ordered figure
// (no speed, no quality score) come last in either direction; ties are broken by id ascending.
type ModelOrder struct {
	Field     ModelOrderField
	Direction Direction
}

// BlendedPerToken is the 3:1 input:output blended list price, (3·input + output) / 4, the blend Artificial
// Analysis uses to compare prices.
func (m Model) BlendedPerToken() decimal.Decimal {
	return m.InputPerToken.Mul(decimal.NewFromInt(3)).Add(m.OutputPerToken).Div(decimal.NewFromInt(4))
}

// HasCapability reports whether the model lists capability cap.
func (m Model) HasCapability(capability string) bool {
	return slices.Contains(m.Capabilities, capability)
}

// HasAttestation reports whether the model lists attestation a.
func (m Model) HasAttestation(a string) bool { return slices.Contains(m.Attestations, a) }

// InRegion reports whether the model can process data in region r.
func (m Model) InRegion(r string) bool { return slices.Contains(m.Regions, r) }

// TierAt returns the model's quality tier at complexity c and whether the catalog has one.
func (m Model) TierAt(c Complexity) (Tier, bool) {
	if m.Quality == nil {
		return 0, false
	}
	t, ok := m.Quality.Tiers[c]
	return t, ok
}

// FindModels returns the models that pass filter, in order. It refuses an unknown order field or direction and a
// MinTier without TierAt.
func (c *Catalog) FindModels(filter ModelFilter, order ModelOrder) ([]Model, error) {
	if err := filter.validate(); err != nil {
		return nil, err
	}
	less, err := order.compare()
	if err != nil {
		return nil, err
	}
	var out []Model
	for _, m := range c.Models {
		if filter.match(m) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, less)
	return out, nil
}

func (f ModelFilter) validate() error {
	if f.MinTier < TierUnsuitable || f.MinTier > TierGood {
		return &ValidationError{Field: "filter.minTier", Reason: "must be within 0..3"}
	}
	if f.MinTier > 0 && !f.TierAt.Valid() {
		return &ValidationError{Field: "filter.tierAt", Reason: "name the complexity (LOW, MEDIUM, HIGH) minTier applies to"}
	}
	if f.MinContextWindow < 0 {
		return &ValidationError{Field: "filter.minContextWindow", Reason: "must not be negative"}
	}
	return nil
}

func (f ModelFilter) match(m Model) bool {
	switch {
	case f.Provider != "" && m.Provider != f.Provider,
		f.Mode != "" && m.Mode != f.Mode,
		f.Region != "" && !m.InRegion(f.Region),
		f.MaxInputPerToken != nil && m.InputPerToken.GreaterThan(*f.MaxInputPerToken),
		f.MaxOutputPerToken != nil && m.OutputPerToken.GreaterThan(*f.MaxOutputPerToken),
		m.ContextWindow < f.MinContextWindow,
		f.HasSpeed && m.Speed == nil,
		f.HostedOnly && m.SelfHostOnly:
		return false
	}
	for _, capability := range f.Capabilities {
		if !m.HasCapability(capability) {
			return false
		}
	}
	for _, a := range f.Attestations {
		if !m.HasAttestation(a) {
			return false
		}
	}
	if f.MinTier > 0 {
		t, ok := m.TierAt(f.TierAt)
		if !ok || t < f.MinTier {
			return false
		}
	}
	return true
}

func (o ModelOrder) compare() (func(a, b Model) int, error) {
	sign := 1
	switch o.Direction {
	case "", Asc:
	case Desc:
		sign = -1
	default:
		return nil, &ValidationError{Field: "order.direction", Reason: fmt.Sprintf("%q is not ASC or DESC", o.Direction)}
	}
	var key func(a, b Model) (int, bool) // (comparison, both have the figure); a missing figure sorts last
	switch o.Field {
	case "", OrderByName:
		key = func(a, b Model) (int, bool) { return cmp.Compare(a.ID, b.ID), true }
	case OrderByPrice:
		key = func(a, b Model) (int, bool) { return a.BlendedPerToken().Cmp(b.BlendedPerToken()), true }
	case OrderByContextWindow:
		key = func(a, b Model) (int, bool) { return cmp.Compare(a.ContextWindow, b.ContextWindow), true }
	case OrderBySpeed:
		key = func(a, b Model) (int, bool) {
			return optional(speedOf(a), speedOf(b))
		}
	case OrderByQuality:
		key = func(a, b Model) (int, bool) {
			return optional(indexOf(a), indexOf(b))
		}
	default:
		return nil, &ValidationError{Field: "order.field", Reason: fmt.Sprintf("%q is not NAME, PRICE, SPEED, QUALITY or CONTEXT_WINDOW", o.Field)}
	}
	return func(a, b Model) int {
		c, both := key(a, b)
		if !both {
			return c // missing figures last, whatever the direction
		}
		if c != 0 {
			return sign * c
		}
		return cmp.Compare(a.ID, b.ID)
	}, nil
}

// optional compares two optional figures; when one is missing it reports (order putting it last, false).
func optional(a, b *float64) (int, bool) {
	switch {
	case a == nil && b == nil:
		return 0, true
	case a == nil:
		return 1, false
	case b == nil:
		return -1, false
	}
	return cmp.Compare(*a, *b), true
}

func speedOf(m Model) *float64 {
	if m.Speed == nil {
		return nil
	}
	return &m.Speed.OutputTokensPerSecond
}

func indexOf(m Model) *float64 {
	if m.Quality == nil {
		return nil
	}
	return m.Quality.IntelligenceIndex
}

// InstanceFilter selects instance types; zero fields do not filter.
type InstanceFilter struct {
	Provider       string           // AWS, GCP, AZURE
	Region         string           // e.g. us-east-1
	GPU            string           // a GPU name, e.g. H100-80GB
	MinGPUMemoryGB float64          // total GPU memory of the instance (count × per-GPU memory) at least this
	MaxHourlyUSD   *decimal.Decimal // on-demand price at most this
}

// FindInstances returns the instance types that pass filter, cheapest first (ties by provider, type, region).
func (c *Catalog) FindInstances(filter InstanceFilter) ([]Instance, error) {
	if filter.MinGPUMemoryGB < 0 {
		return nil, &ValidationError{Field: "filter.minGPUMemoryGB", Reason: "must not be negative"}
	}
	memory := make(map[string]float64, len(c.GPUs))
	for _, g := range c.GPUs {
		memory[g.Name] = g.MemoryGB
	}
	var out []Instance
	for _, in := range c.Instances {
		switch {
		case filter.Provider != "" && in.Provider != filter.Provider,
			filter.Region != "" && in.Region != filter.Region,
			filter.GPU != "" && in.GPU != filter.GPU,
			memory[in.GPU]*float64(in.GPUCount) < filter.MinGPUMemoryGB,
			filter.MaxHourlyUSD != nil && in.HourlyUSD.GreaterThan(*filter.MaxHourlyUSD):
			continue
		}
		out = append(out, in)
	}
	slices.SortStableFunc(out, func(a, b Instance) int {
		return cmp.Or(a.HourlyUSD.Cmp(b.HourlyUSD), cmp.Compare(a.Provider, b.Provider),
			cmp.Compare(a.Type, b.Type), cmp.Compare(a.Region, b.Region))
	})
	return out, nil
}

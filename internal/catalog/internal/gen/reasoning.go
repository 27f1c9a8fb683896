package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/modelarchitect/architect/internal/catalog"
)

// estimateReasoning sets ExpectedReasoning on every reasoning row with speed figures. No source publishes
// reasoning tokens per request, so they are estimated from what Artificial Analysis measures: its time to
// first answer token of a reasoning configuration includes the thinking, so
//
//	thinking time = TTFA − B,   tokens = thinking time × output tokens/s,
//
// with B the time to first token without thinking: the median TTFA of the same API's non-reasoning rows in
// the snapshot (all APIs' when it has none). A higher effort never reasons less than a lower one of the same
// model (OpenAI, "Reasoning models": higher effort spends more reasoning tokens), so within a model the
// estimate is raised to the largest at a lower effort; the note says when. Rows are sorted by id.
func estimateReasoning(models []catalog.Model) error {
	base := map[string][]float64{}
	var all []float64
	for _, m := range models {
		if m.Speed != nil && !m.Reasoning && m.Effort == "" {
			base[m.Provider] = append(base[m.Provider], m.Speed.TTFTMillis)
			all = append(all, m.Speed.TTFTMillis)
		}
	}
	if len(all) == 0 {
		return fmt.Errorf("reasoning estimate: no non-reasoning row with a speed to count thinking from")
	}
	// Within a model, efforts in increasing order, so the running maximum is the lower efforts' largest.
	order := make([]int, 0, len(models))
	for i, m := range models {
		if m.Reasoning && m.Speed != nil {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(catalog.BaseID(models[a].ID), catalog.BaseID(models[b].ID)),
			cmp.Compare(slices.Index(catalog.Efforts, models[a].Effort), slices.Index(catalog.Efforts, models[b].Effort)))
	})
	var (
		prevModel string
		floor     int
		floorAt   string
	)
	for _, i := range order {
		m := &models[i]
		if id := catalog.BaseID(m.ID); id != prevModel {
			prevModel, floor, floorAt = id, 0, ""
		}
		times, scope := base[m.Provider], m.Provider
		if len(times) == 0 {
			times, scope = all, "all APIs"
		}
		b := median(times)
		thinking := max(0, m.Speed.TTFTMillis-b)
		tokens := int(math.Round(thinking / 1000 * m.Speed.OutputTokensPerSecond))
		p := m.Speed.Provenance
		p.Estimate = true
		p.Source = fmt.Sprintf("estimated: (time to first answer token %.0f ms of %s − %.0f ms, the median of %s's %d non-reasoning rows) × %.1f output tokens/s; %s",
			m.Speed.TTFTMillis, m.Speed.Configuration, b, scope, len(times), m.Speed.OutputTokensPerSecond, m.Speed.Provenance.Source)
		if tokens < floor {
			p.Source += fmt.Sprintf("; raised from %d to %d, the estimate at the lower effort %s (a higher effort does not reason less)", tokens, floor, floorAt)
			tokens = floor
		} else if m.Effort != "" {
			floor, floorAt = tokens, m.Effort
		}
		m.ExpectedReasoning = &catalog.ReasoningEstimate{TokensPerRequest: tokens, ThinkingMillis: thinking, Provenance: p}
	}
	return nil
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

package catalog

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// minimal returns testdata/minimal.json as a generic JSON value a test can break.
func minimal(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.json"))
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func model0(v map[string]any) map[string]any { return v["models"].([]any)[0].(map[string]any) }

func TestParseMinimal(t *testing.T) {
	t.Parallel()
	c, err := Parse(encodeJSON(t, minimal(t)))
	require.NoError(t, err)
	require.Len(t, c.Models, 2)
	require.True(t, strings.HasPrefix(c.Version, "sha256:"))
	m, err := c.Model("openai/gpt-4.1-mini")
	require.NoError(t, err)
	require.Equal(t, "0.0000004", m.InputPerToken.String())
}

func TestParseRefusesBadRows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(v map[string]any)
		field  string
	}{
		{"model price without source", func(v map[string]any) {
			delete(model0(v)["price"].(map[string]any), "source")
		}, "models[0].price.source"},
		{"model price without date", func(v map[string]any) {
			model0(v)["price"].(map[string]any)["asOf"] = ""
		}, "models[0].price.asOf"},
		{"model price date not a date", func(v map[string]any) {
			model0(v)["price"].(map[string]any)["asOf"] = "July 2026"
		}, "models[0].price.asOf"},
		{"model price without estimate flag", func(v map[string]any) {
			delete(model0(v)["price"].(map[string]any), "estimate")
		}, "models[0].price.estimate"},
		{"model without facts provenance", func(v map[string]any) {
			delete(model0(v), "facts")
		}, "models[0].facts"},
		{"speed figure without provenance", func(v map[string]any) {
			delete(model0(v)["speed"].(map[string]any), "provenance")
		}, "models[0].speed.provenance"},
		{"quality figure without estimate flag", func(v map[string]any) {
			delete(model0(v)["quality"].(map[string]any)["provenance"].(map[string]any), "estimate")
		}, "models[0].quality.provenance.estimate"},
		{"gpu without source", func(v map[string]any) {
			v["gpus"].([]any)[0].(map[string]any)["provenance"].(map[string]any)["source"] = " "
		}, "gpus[0].provenance.source"},
		{"instance without provenance", func(v map[string]any) {
			delete(v["instances"].([]any)[0].(map[string]any), "provenance")
		}, "instances[0].provenance"},
		{"duplicate model id", func(v map[string]any) {
			v["models"].([]any)[1].(map[string]any)["id"] = "openai/gpt-4.1-mini"
			v["models"].([]any)[1].(map[string]any)["provider"] = "openai"
		}, "models[1].id"},
		{"negative price", func(v map[string]any) {
			model0(v)["outputPerToken"] = "-0.0000016"
		}, "models[0].outputPerToken"},
		{"negative cached price", func(v map[string]any) {
			model0(v)["cachedInputPerToken"] = "-1"
		}, "models[0].cachedInputPerToken"},
		{"id provider differs from provider", func(v map[string]any) {
			model0(v)["provider"] = "anthropic"
		}, "models[0].provider"},
		{"tier out of range", func(v map[string]any) {
			model0(v)["quality"].(map[string]any)["tiers"].(map[string]any)["HIGH"] = 4
		}, "models[0].quality.tiers.HIGH"},
		{"unknown region", func(v map[string]any) {
			model0(v)["regions"] = []any{"MARS"}
		}, "models[0].regions[0]"},
		{"instance on unknown GPU", func(v map[string]any) {
			v["instances"].([]any)[0].(map[string]any)["gpu"] = "B300"
		}, "instances[0].gpu"},
		{"instance with zero price", func(v map[string]any) {
			v["instances"].([]any)[0].(map[string]any)["hourlyUSD"] = "0"
		}, "instances[0].hourlyUSD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := minimal(t)
			tc.mutate(v)
			_, err := Parse(encodeJSON(t, v))
			require.Error(t, err)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			var fields []string
			for _, e := range err.(ValidationErrors) {
				fields = append(fields, e.Field)
			}
			require.Contains(t, fields, tc.field)
		})
	}
}

func TestParseRefusesUnknownFieldAndBadJSON(t *testing.T) {
	t.Parallel()
	v := minimal(t)
	model0(v)["inputPerTokn"] = "0.1" // a typo must not read as a zero price
	_, err := Parse(encodeJSON(t, v))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Reason, "inputPerTokn")

	_, err = Parse([]byte(`{"models": [`))
	require.ErrorAs(t, err, &ve)
}

func TestVersionIsContentHash(t *testing.T) {
	t.Parallel()
	v := minimal(t)
	compact := encodeJSON(t, v)
	indented, err := json.MarshalIndent(v, "", "    ")
	require.NoError(t, err)
	a, err := Parse(compact)
	require.NoError(t, err)
	b, err := Parse(indented)
	require.NoError(t, err)
	require.Equal(t, a.Version, b.Version, "layout must not change the version")

	model0(v)["inputPerToken"] = "0.0000005"
	c, err := Parse(encodeJSON(t, v))
	require.NoError(t, err)
	require.NotEqual(t, a.Version, c.Version, "a changed price must change the version")
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, os.WriteFile(path, encodeJSON(t, minimal(t)), 0o600))
	c, err := Load(path)
	require.NoError(t, err)
	require.Len(t, c.Models, 2)

	_, err = Load(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)

	d, err := LoadOrDefault("")
	require.NoError(t, err)
	require.Same(t, Default(), d)
}

// TestEmbeddedCatalog runs the validator on the shipped data and checks every row's provenance by hand too.
func TestEmbeddedCatalog(t *testing.T) {
	t.Parallel()
	c, err := Parse(embedded)
	require.NoError(t, err)
	var file struct {
		Version string `json:"version"`
	}
	require.NoError(t, json.Unmarshal(embedded, &file))
	require.Equal(t, c.Version, file.Version, "data/catalog.json was edited without regenerating it (see the gen command)")

	complete := func(what string, p Provenance) {
		require.NotEmpty(t, p.Source, what)
		require.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, p.AsOf, what)
	}
	for _, m := range c.Models {
		complete(m.ID+" price", m.Price)
		complete(m.ID+" facts", m.Facts)
		if m.Speed != nil {
			complete(m.ID+" speed", m.Speed.Provenance)
		}
		if m.Quality != nil {
			complete(m.ID+" quality", m.Quality.Provenance)
		}
	}
	for _, in := range c.Instances {
		complete(in.Type+" "+in.Region, in.Provenance)
	}
	for _, g := range c.GPUs {
		complete(g.Name, g.Provenance)
	}

	// Benchmarks call these ids; they must exist.
	for _, id := range []string{"openai/gpt-4.1-mini", "gemini/gemini-2.5-flash", "vertex_ai/gemini-2.5-flash", "anthropic/claude-sonnet-4-5"} {
		_, err := c.Model(id)
		require.NoError(t, err, id)
	}
}

func TestEmbeddedFigures(t *testing.T) {
	t.Parallel()
	c := Default()
	cases := []struct {
		id, input, output string
		ttft, tps         float64
	}{
		// LiteLLM's price table (Wei-Shaw/model-price-repo f9ff147) key "gpt-4.1-mini": 4e-07 / 1.6e-06; Artificial
		// Analysis (2026-07-10 snapshot): 906 ms, 73.0 tok/s
		{"openai/gpt-4.1-mini", "0.0000004", "0.0000016", 906, 73},
		// key "gemini-2.5-flash": 3e-07 / 2.5e-06; AA: Gemini 2.5 Flash (Non-reasoning) 483 ms, 209.1 tok/s
		{"vertex_ai/gemini-2.5-flash", "0.0000003", "0.0000025", 483, 209.1},
		// key "gpt-5": 1.25e-06 / 1e-05; fastest configuration "GPT-5 (minimal)": 1120 ms, 78.2 tok/s
		{"openai/gpt-5", "0.00000125", "0.00001", 1120, 78.2},
	}
	for _, tc := range cases {
		m, err := c.Model(tc.id)
		require.NoError(t, err)
		require.Equal(t, tc.input, m.InputPerToken.String(), tc.id)
		require.Equal(t, tc.output, m.OutputPerToken.String(), tc.id)
		require.NotNil(t, m.Speed, tc.id)
		require.InDelta(t, tc.ttft, m.Speed.TTFTMillis, 1e-9, tc.id)
		require.InDelta(t, tc.tps, m.Speed.OutputTokensPerSecond, 1e-9, tc.id)
	}
	// GCP a3-highgpu-1g in europe-west4: VM 1.24163 + one H100 12.73552 = 13.97715 (SkyPilot gcp/vms.csv rows).
	in, err := c.Instance("GCP", "a3-highgpu-1g", "europe-west4")
	require.NoError(t, err)
	require.Equal(t, "13.97715", in.HourlyUSD.String())
}

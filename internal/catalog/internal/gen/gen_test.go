package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedFileIsCommitted regenerates the catalog from the shared snapshots and compares it with the
// committed data file, so the file and the generator cannot drift apart.
func TestGeneratedFileIsCommitted(t *testing.T) {
	t.Parallel()
	shared := filepath.Join("..", "..", "..", "..", "..", "shared", "data")
	prices, speeds := filepath.Join(shared, "llm-prices.json"), filepath.Join(shared, "model-speeds.json")
	if _, err := os.Stat(prices); err != nil {
		t.Skipf("shared data not present next to the module (%v)", err)
	}
	out := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, run(prices, speeds, out))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("..", "..", "data", "catalog.json"))
	require.NoError(t, err)
	require.True(t, string(want) == string(got), "data/catalog.json differs from the generator's output: rerun the gen command in its doc")
}

func TestSelectionRule(t *testing.T) {
	t.Parallel()
	rows := map[string]priceRow{
		"gpt-x":              {Provider: "openai", Mode: "chat", Input: "0.000001", Output: "0.000002"},
		"gpt-x-2025-01-01":   {Provider: "openai", Mode: "chat", Input: "0.000001", Output: "0.000002"}, // same price, no figures: dropped
		"gpt-x-2024-01-01":   {Provider: "openai", Mode: "chat", Input: "0.000003", Output: "0.000004"}, // own price: kept
		"gpt-x-audio":        {Provider: "openai", Mode: "chat", Input: "0.000001", Output: "0.000002"}, // special purpose
		"gpt-x-pro":          {Provider: "openai", Mode: "responses", Input: "0.1", Output: "0.1"},      // not chat
		"old-model":          {Provider: "anthropic", Mode: "chat", Input: "0.1", Output: "0.1", DeprecationDate: "2026-01-01"},
		"free-model":         {Provider: "volcengine", Mode: "chat", Input: "0", Output: "0"},
		"claude-alias-dated": {Provider: "anthropic", Mode: "chat", Input: "0.1", Output: "0.1"},
	}
	sp := &speeds{Models: map[string]*speedEntry{}, Aliases: map[string]string{"claude-alias-dated": "claude-alias"}}
	require.Equal(t, []string{"gpt-x", "gpt-x-2024-01-01"}, selectKeys(rows, sp))
}

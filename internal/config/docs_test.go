package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/config"
)

// readElsewhere are variables .env.example and the configuration guide list that the config package does not
// read: Go's runtime reads GOGC and GOMEMLIMIT (cmd/architect sets GOGC when it is unset), and
// docker-compose.yml passes POSTGRES_PASSWORD to its PostgreSQL container.
var readElsewhere = []string{"GOGC", "GOMEMLIMIT", "POSTGRES_PASSWORD"}

// TestConfigurationIsDocumented keeps the three places that name the settings in step: every variable the
// config package reads (recorded by handing it a getenv) is in .env.example and in docs/guide/configuration.md,
// and every variable those two list is read here or is one of readElsewhere.
func TestConfigurationIsDocumented(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		read = map[string]bool{}
	)
	getenv := func(k string) string {
		mu.Lock()
		defer mu.Unlock()
		read[k] = true
		if k == "DATA_DIR" {
			return t.TempDir()
		}
		return ""
	}
	_, err := config.FromEnv(getenv, quiet)
	require.NoError(t, err)
	require.Greater(t, len(read), 30, "the recording getenv saw the settings")

	root := filepath.Join("..", "..")
	example, err := os.ReadFile(filepath.Join(root, ".env.example"))
	require.NoError(t, err)
	guide, err := os.ReadFile(filepath.Join(root, "docs", "guide", "configuration.md"))
	require.NoError(t, err)
	inExample := names(regexp.MustCompile(`(?m)^#? ?([A-Z][A-Z0-9_]+)=`), string(example))
	inGuide := names(regexp.MustCompile("(?m)^\\| (`[A-Z][A-Z0-9_]+`(?:, `[A-Z][A-Z0-9_]+`)*) \\|"), string(guide))

	// Per-provider variables are documented once as a pattern, <NAME>_CONCURRENCY.
	perProvider := func(text string) []*regexp.Regexp {
		var out []*regexp.Regexp
		for _, m := range regexp.MustCompile(`<NAME>(_[A-Z0-9_]+)`).FindAllStringSubmatch(text, -1) {
			out = append(out, regexp.MustCompile(`^[A-Z][A-Z0-9_]*`+m[1]+`$`))
		}
		return out
	}
	documented := func(k string, listed []string, patterns []*regexp.Regexp) bool {
		return slices.Contains(listed, k) || slices.ContainsFunc(patterns, func(re *regexp.Regexp) bool { return re.MatchString(k) })
	}
	examplePatterns, guidePatterns := perProvider(string(example)), perProvider(string(guide))
	for k := range read {
		require.True(t, documented(k, inExample, examplePatterns), ".env.example lacks %s, which the config reads", k)
		require.True(t, documented(k, inGuide, guidePatterns), "docs/guide/configuration.md lacks %s, which the config reads", k)
	}
	for _, listed := range []struct {
		where string
		keys  []string
	}{{".env.example", inExample}, {"docs/guide/configuration.md", inGuide}} {
		for _, k := range listed.keys {
			require.True(t, read[k] || slices.Contains(readElsewhere, k), "%s lists %s, which nothing reads", listed.where, k)
		}
	}
}

// names returns the variable names re's first group finds in text (a group may list several, `A`, `B`).
func names(re *regexp.Regexp, text string) []string {
	seen := map[string]bool{}
	word := regexp.MustCompile(`[A-Z][A-Z0-9_]+`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		for _, k := range word.FindAllString(m[1], -1) {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

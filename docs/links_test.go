// Package docs_test checks the repository's Markdown: every relative link in README.md and in the Markdown
// under docs/ and bench/ names a file or directory that exists, and every #anchor names a heading of its file.
package docs_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

func TestRelativeLinks(t *testing.T) {
	t.Parallel()
	files := []string{filepath.Join("..", "README.md")}
	for _, dir := range []string{".", filepath.Join("..", "bench")} {
		require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == "node_modules":
				return filepath.SkipDir
			case !d.IsDir() && strings.HasSuffix(path, ".md"):
				files = append(files, path)
			}
			return nil
		}))
	}
	anchors := map[string]map[string]bool{} // Markdown file → the anchors of its headings
	for _, file := range files {
		for _, l := range links(t, file) {
			target, anchor, _ := strings.Cut(l.target, "#")
			path := file // a bare #anchor points into its own file
			if target != "" {
				path = filepath.Join(filepath.Dir(file), filepath.FromSlash(target))
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s:%d: link %q: %s does not exist", file, l.line, l.target, path)
					continue
				}
			}
			if anchor == "" {
				continue
			}
			if !strings.HasSuffix(path, ".md") {
				t.Errorf("%s:%d: link %q: an anchor into a file that is not Markdown", file, l.line, l.target)
				continue
			}
			if anchors[path] == nil {
				anchors[path] = headingAnchors(t, path)
			}
			if !anchors[path][anchor] {
				t.Errorf("%s:%d: link %q: %s has no heading whose anchor is #%s", file, l.line, l.target, path, anchor)
			}
		}
	}
}

type link struct {
	line   int
	target string
}

var (
	fence      = regexp.MustCompile("^\\s*(```|~~~)")
	codeSpan   = regexp.MustCompile("`[^`]*`")
	inlineLink = regexp.MustCompile(`\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)`)
	refLink    = regexp.MustCompile(`^\s*\[[^\]]+\]:\s*<?([^\s>]+)`)
	htmlLink   = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	scheme     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`) // https:, mailto:, …: another site
)

// links returns a Markdown file's relative link targets, outside code.
func links(t *testing.T, path string) []link {
	t.Helper()
	var out []link
	forEachProseLine(t, path, func(n int, line string) {
		line = codeSpan.ReplaceAllString(line, "")
		for _, re := range []*regexp.Regexp{inlineLink, refLink, htmlLink} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				if !scheme.MatchString(m[1]) {
					out = append(out, link{n, m[1]})
				}
			}
		}
	})
	return out
}

// headingAnchors returns the anchors GitHub gives a Markdown file's headings; a repeated heading gets -1, -2, ….
func headingAnchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	anchors := map[string]bool{}
	seen := map[string]int{}
	forEachProseLine(t, path, func(_ int, line string) {
		text := strings.TrimLeft(line, "#")
		if text == line || !strings.HasPrefix(text, " ") {
			return
		}
		slug := slugify(text)
		if n := seen[slug]; n > 0 {
			anchors[slug+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	})
	return anchors
}

var linkText = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// slugify is GitHub's anchor of a heading: its text in lower case, without punctuation other than - and _,
// with each space turned into a hyphen.
func slugify(heading string) string {
	heading = linkText.ReplaceAllString(strings.TrimSpace(heading), "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// forEachProseLine calls fn with each line of a Markdown file that is outside fenced code blocks.
func forEachProseLine(t *testing.T, path string, fn func(n int, line string)) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 0, 1<<20), 1<<24)
	inFence := false
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		if fence.MatchString(line) {
			inFence = !inFence
			continue
		}
		if !inFence {
			fn(n, line)
		}
	}
	require.NoError(t, s.Err())
}

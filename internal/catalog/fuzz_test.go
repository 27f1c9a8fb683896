package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse (the CATALOG_FILE path): it must never panic, and whatever it
// accepts must pass Validate and carry a version.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "minimal.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"models":[{"id":"a/b"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		if verr := Validate(c); verr != nil {
			t.Fatalf("Parse accepted a catalog Validate refuses: %v", verr)
		}
		if c.Version == "" {
			t.Fatal("accepted catalog without a version")
		}
	})
}

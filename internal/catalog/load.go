package catalog

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

//go:embed data/catalog.json
var embedded []byte

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
	defaultErr     error
)

// Default returns the catalog embedded in the binary, parsed and validated once. The embedded file is checked
// by the package tests, so an invalid one is a build defect and Default panics on it.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCatalog, defaultErr = Parse(embedded) })
	if defaultErr != nil {
		panic(fmt.Sprintf("embedded catalog is invalid: %v", defaultErr))
	}
	return defaultCatalog
}

// Load reads, parses and validates a catalog file (the CATALOG_FILE override).
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog file: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("catalog file %s: %w", path, err)
	}
	return c, nil
}

// LoadOrDefault loads path, or returns Default when path is empty.
func LoadOrDefault(path string) (*Catalog, error) {
	if path == "" {
		return Default(), nil
	}
	return Load(path)
}

// Parse decodes catalog JSON (unknown fields are refused so a misspelt price cannot silently read as zero),
// checks that every provenance carries source, asOf and estimate, validates the rest, and sets Version to the
// content hash. The version in the input, if any, is ignored.
func Parse(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, &ValidationError{Field: "catalog", Reason: "is not valid catalog JSON: " + err.Error()}
	}
	var raw rawCatalog
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &ValidationError{Field: "catalog", Reason: "is not valid catalog JSON: " + err.Error()}
	}
	errs := raw.missingProvenance()
	for i := range c.Models {
		if c.Models[i].ContextLimit == "" {
			// An operator's file written before contextLimit existed: read the window the stricter way,
			// input and output sharing it.
			c.Models[i].ContextLimit = ContextTotal
		}
	}
	if err := Validate(&c); err != nil {
		errs = append(errs, err.(ValidationErrors)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	v, err := ContentVersion(&c)
	if err != nil {
		return nil, err
	}
	c.Version = v
	return &c, nil
}

// ContentVersion is the catalog's version: "sha256:" and the first 16 hex digits of the SHA-256 of its
// canonical JSON with Version left empty. The same figures give the same version whatever the file's layout.
func ContentVersion(c *Catalog) (string, error) {
	cp := *c
	cp.Version = ""
	b, err := json.Marshal(&cp)
	if err != nil {
		return "", fmt.Errorf("hash catalog: %w", err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:8]), nil
}

// rawProvenance mirrors Provenance with pointers so a missing key can be told from a zero value.
type rawProvenance struct {
	Source   *string `json:"source"`
	AsOf     *string `json:"asOf"`
	Estimate *bool   `json:"estimate"`
}

type rawCatalog struct {
	Models []struct {
		Price   *rawProvenance `json:"price"`
		Facts   *rawProvenance `json:"facts"`
		Quality *struct {
			Provenance *rawProvenance `json:"provenance"`
		} `json:"quality"`
		Speed *struct {
			Provenance *rawProvenance `json:"provenance"`
		} `json:"speed"`
	} `json:"models"`
	GPUs []struct {
		Provenance *rawProvenance `json:"provenance"`
	} `json:"gpus"`
	Instances []struct {
		Provenance *rawProvenance `json:"provenance"`
	} `json:"instances"`
}

func (r *rawCatalog) missingProvenance() ValidationErrors {
	var errs ValidationErrors
	check := func(field string, p *rawProvenance) {
		if p == nil {
			errs = append(errs, &ValidationError{Field: field, Reason: "is missing: every figure needs {source, asOf, estimate}"})
			return
		}
		if p.Estimate == nil {
			errs = append(errs, &ValidationError{Field: field + ".estimate", Reason: "is missing: say whether the figure is an estimate (true) or published (false)"})
		}
	}
	for i, m := range r.Models {
		f := fmt.Sprintf("models[%d]", i)
		check(f+".price", m.Price)
		check(f+".facts", m.Facts)
		if m.Quality != nil {
			check(f+".quality.provenance", m.Quality.Provenance)
		}
		if m.Speed != nil {
			check(f+".speed.provenance", m.Speed.Provenance)
		}
	}
	for i, g := range r.GPUs {
		check(fmt.Sprintf("gpus[%d].provenance", i), g.Provenance)
	}
	for i, in := range r.Instances {
		check(fmt.Sprintf("instances[%d].provenance", i), in.Provenance)
	}
	return errs
}

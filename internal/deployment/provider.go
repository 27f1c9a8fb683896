package deployment

import "strings"

// Provider is where a deployment runs.
type Provider string

// Providers.
const (
	ProviderAWS        Provider = "AWS"
	ProviderGCP        Provider = "GCP"
	ProviderAzure      Provider = "AZURE"
	ProviderSelfHosted Provider = "SELF_HOSTED" // the team's own server, reached through Config.Endpoint
)

// Valid reports whether p is one of the providers.
func (p Provider) Valid() bool {
	switch p {
	case ProviderAWS, ProviderGCP, ProviderAzure, ProviderSelfHosted:
		return true
	}
	return false
}

// cloud reports whether the catalog prices instances of p.
func (p Provider) cloud() bool { return p.Valid() && p != ProviderSelfHosted }

func (p Provider) is(catalogProvider string) bool {
	return strings.EqualFold(string(p), catalogProvider)
}

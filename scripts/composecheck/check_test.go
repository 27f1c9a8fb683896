package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCheck runs the checker on the repository's docker-compose.yml and on copies with one thing broken each;
// every broken copy must be reported with its own message.
func TestCheck(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docker-compose.yml")
	require.NoError(t, err)
	good := string(raw)

	tests := []struct {
		name     string
		old      string // replaced in the real file; must occur in it
		new      string
		problems []string // substrings of the expected problems, in order; none: the file passes
	}{
		{name: "the repository's file passes"},
		{name: "no sslmode", old: "?sslmode=disable", new: "", problems: []string{"needs sslmode=disable"}},
		{name: "database host is not the service", old: "@db:5432", new: "@localhost:5432", problems: []string{`host "localhost", want the database service "db"`}},
		{name: "server does not wait for health", old: "condition: service_healthy", new: "condition: service_started", problems: []string{"must wait for db with condition service_healthy"}},
		{name: "unknown condition", old: "condition: service_healthy", new: "condition: healthy",
			problems: []string{`condition "healthy" is not one of`, "must wait for db with condition service_healthy"}},
		{name: "database without healthcheck", old: "    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U architect -d architect\"]\n      interval: 5s\n      timeout: 3s\n      retries: 10\n      start_period: 10s\n", new: "",
			problems: []string{"waits for service_healthy but db has no healthcheck", "services.db.healthcheck: should run pg_isready"}},
		{name: "database healthcheck without pg_isready", old: "pg_isready -U architect -d architect", new: "true", problems: []string{"should run pg_isready"}},
		{name: "server without healthcheck", old: "    healthcheck:\n      test: [\"CMD\", \"/usr/local/bin/architect\", \"healthcheck\"]\n      interval: 15s\n      timeout: 3s\n      retries: 3\n      start_period: 30s\n", new: "",
			problems: []string{"services.server: no healthcheck"}},
		{name: "server healthcheck disabled", old: "      test: [\"CMD\", \"/usr/local/bin/architect\", \"healthcheck\"]\n", new: "      disable: true\n",
			problems: []string{"services.server: no healthcheck"}},
		{name: "healthcheck test without CMD", old: `["CMD", "/usr/local/bin/architect", "healthcheck"]`, new: `["/usr/local/bin/architect", "healthcheck"]`, problems: []string{"must start with CMD, CMD-SHELL or NONE"}},
		{name: "bad duration", old: "interval: 15s", new: "interval: 15 seconds", problems: []string{"is not a positive duration"}},
		{name: "misspelt service key", old: "    restart: unless-stopped\n    depends_on:", new: "    restart: unless-stopped\n    depend_on:", problems: []string{`unknown key "depend_on"`, "must wait for db with condition service_healthy"}},
		{name: "misspelt healthcheck key", old: "start_period: 10s", new: "start-period: 10s", problems: []string{`unknown key "start-period"`}},
		{name: "obsolete version", old: "name: architect\n", new: "version: \"3.9\"\nname: architect\n", problems: []string{"version key is obsolete"}},
		{name: "undeclared volume", old: "volumes:\n  pgdata:\n", new: "", problems: []string{`named volume "pgdata" is not declared`}},
		{name: "broken interpolation", old: "${POSTGRES_PASSWORD:-architect}\n", new: "${POSTGRES_PASSWORD:-architect\n", problems: []string{"invalid interpolation"}},
		{name: "no env file", old: "    env_file:\n      - path: .env\n        required: false\n", new: "", problems: []string{"env_file: must include .env"}},
		{name: "required env file absent", old: "        required: false\n", new: "        required: true\n", problems: []string{".env is required but absent"}},
		{name: "port not published", old: `- "3001:3001"`, new: `- "8080:8080"`, problems: []string{"must publish 3001"}},
		{name: "metrics port published", old: "      - \"3001:3001\"\n", new: "      - \"3001:3001\"\n      - \"9091:9091\"\n",
			problems: []string{"publishes METRICS_ADDR's port 9091"}},
		{name: "metrics port published on one address", old: "      - \"3001:3001\"\n", new: "      - \"3001:3001\"\n      - \"127.0.0.1:19091:9091/tcp\"\n",
			problems: []string{"publishes METRICS_ADDR's port 9091"}},
		{name: "metrics port published in a range", old: "      - \"3001:3001\"\n", new: "      - \"3001:3001\"\n      - \"9090-9099:9090-9099\"\n",
			problems: []string{"publishes METRICS_ADDR's port 9091"}},
		{name: "metrics port published, long syntax", old: "      - \"3001:3001\"\n", new: "      - \"3001:3001\"\n      - target: 9091\n        published: 9091\n",
			problems: []string{"publishes METRICS_ADDR's port 9091"}},
		{name: "metrics on the published port", old: "      METRICS_ADDR: \":9091\"\n", new: "", problems: []string{"no METRICS_ADDR: /metrics would be served on the published port"}},
		{name: "metrics address without a port", old: `METRICS_ADDR: ":9091"`, new: `METRICS_ADDR: "9091"`, problems: []string{"is not host:port"}},
		{name: "server on loopback", old: `HOST: "0.0.0.0"`, new: `HOST: localhost`, problems: []string{`HOST: "localhost"; use 0.0.0.0`}},
		{name: "no HOST", old: "      HOST: \"0.0.0.0\"\n", new: "", problems: []string{"no HOST: set it to 0.0.0.0"}},
		{name: "other PostgreSQL version", old: "postgres:15-alpine", new: "postgres:16-alpine", problems: []string{"targets PostgreSQL 15"}},
		{name: "no database URL", old: "      DATABASE_URL:", new: "      DATABASE_URI:", problems: []string{"no DATABASE_URL"}},
		{name: "not YAML", old: "services:\n", new: "services:\n\t- [\n", problems: []string{"not valid YAML"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := good
			if tc.old != "" {
				require.Contains(t, doc, tc.old, "the test's edit no longer applies to docker-compose.yml")
				doc = strings.Replace(doc, tc.old, tc.new, 1)
			}
			dir := t.TempDir() // no .env, and a Dockerfile so that build: . resolves
			require.NoError(t, os.WriteFile(dir+"/Dockerfile", []byte("FROM scratch\n"), 0o644))
			problems := Check([]byte(doc), dir)
			require.Len(t, problems, len(tc.problems), "problems: %q", problems)
			for i, want := range tc.problems {
				require.Contains(t, problems[i], want)
			}
		})
	}
}

func TestInterpolate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{name: "default with colon", in: "a${X:-b}c", want: "abc"},
		{name: "default without colon", in: "${X-b}", want: "b"},
		{name: "required", in: "${JWT_SECRET:?set it - now}", want: "set-JWT_SECRET"},
		{name: "required without colon", in: "${JWT_SECRET?set-it}", want: "set-JWT_SECRET"},
		{name: "alternative of unset is empty", in: "x${X:+y}", want: "x"},
		{name: "plain", in: "$X/${Y}", want: "/"},
		{name: "escaped dollar", in: "p$$w", want: "p$w"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, interpolate(tc.in))
		})
	}
}

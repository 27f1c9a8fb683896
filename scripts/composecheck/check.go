package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Keys of the Compose specification (compose-spec.io, "Services top-level elements" and "Compose file"),
// so that a misspelt key is an error here as it is for `docker compose config`.
var (
	topKeys     = []string{"name", "version", "services", "volumes", "networks", "configs", "secrets", "include", "models"}
	serviceKeys = []string{
		"annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
		"configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
		"cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
		"device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
		"environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck",
		"hostname", "image", "init", "ipc", "isolation", "labels", "label_file", "links", "logging", "mac_address",
		"mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models", "network_mode", "networks",
		"oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop",
		"privileged", "profiles", "provider", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets",
		"security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls",
		"tmpfs", "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from",
		"working_dir",
	}
	healthcheckKeys = []string{"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
	conditions      = []string{"service_started", "service_healthy", "service_completed_successfully"}
)

// Check returns what is wrong with the compose file data (paths in it are relative to dir); none when it
// passes.
func Check(data []byte, dir string) []string {
	c := &checker{dir: dir}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []string{"not valid YAML: " + err.Error()}
	}
	if doc == nil {
		return []string{"the file is empty"}
	}
	c.interpolations("", doc)
	for _, k := range sortedKeys(doc) {
		switch {
		case strings.HasPrefix(k, "x-"):
		case k == "version":
			c.fail("the top-level version key is obsolete in Compose v2; remove it")
		case !slices.Contains(topKeys, k):
			c.fail("unknown top-level key %q", k)
		}
	}
	services, ok := doc["services"].(map[string]any)
	if !ok || len(services) == 0 {
		c.fail("no services")
		return c.problems
	}
	volumes, _ := doc["volumes"].(map[string]any)
	for _, name := range sortedKeys(services) {
		svc, ok := services[name].(map[string]any)
		if !ok {
			c.fail("services.%s is not a mapping", name)
			continue
		}
		c.service(name, svc, services, volumes)
	}
	c.project(services)
	return c.problems
}

type checker struct {
	dir      string
	problems []string
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) service(name string, svc, services, volumes map[string]any) {
	at := "services." + name
	for _, k := range sortedKeys(svc) {
		if !slices.Contains(serviceKeys, k) && !strings.HasPrefix(k, "x-") {
			c.fail("%s: unknown key %q", at, k)
		}
	}
	if svc["image"] == nil && svc["build"] == nil {
		c.fail("%s: needs image or build", at)
	}
	if hc, ok := svc["healthcheck"]; ok {
		c.healthcheck(at+".healthcheck", hc)
	}
	for dep, cond := range dependsOn(svc["depends_on"]) {
		target, ok := services[dep].(map[string]any)
		switch {
		case !ok:
			c.fail("%s.depends_on: no service %q", at, dep)
		case !slices.Contains(conditions, cond):
			c.fail("%s.depends_on.%s: condition %q is not one of %s", at, dep, cond, strings.Join(conditions, ", "))
		case cond == "service_healthy" && target["healthcheck"] == nil:
			c.fail("%s.depends_on.%s: waits for service_healthy but %s has no healthcheck", at, dep, dep)
		}
	}
	for _, ef := range envFiles(svc["env_file"]) {
		if ef.path == "" {
			c.fail("%s.env_file: an entry has no path", at)
			continue
		}
		if _, err := os.Stat(filepath.Join(c.dir, ef.path)); err != nil && ef.required {
			c.fail("%s.env_file: %s is required but absent (create it, or mark it required: false)", at, ef.path)
		}
	}
	if list, ok := svc["volumes"].([]any); ok {
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				continue // long syntax
			}
			src, _, found := strings.Cut(s, ":")
			if found && src != "" && !strings.ContainsAny(src[:1], "./~$") {
				if _, declared := volumes[src]; !declared {
					c.fail("%s.volumes: named volume %q is not declared under the top-level volumes", at, src)
				}
			}
		}
	}
	if b, ok := svc["build"]; ok {
		ctx, dockerfile := ".", "Dockerfile"
		switch b := b.(type) {
		case string:
			ctx = b
		case map[string]any:
			if s, ok := b["context"].(string); ok {
				ctx = s
			}
			if s, ok := b["dockerfile"].(string); ok {
				dockerfile = s
			}
		}
		if _, err := os.Stat(filepath.Join(c.dir, ctx, dockerfile)); err != nil {
			c.fail("%s.build: no %s in context %s", at, dockerfile, ctx)
		}
	}
}

func (c *checker) healthcheck(at string, v any) {
	hc, ok := v.(map[string]any)
	if !ok {
		c.fail("%s: not a mapping", at)
		return
	}
	for _, k := range sortedKeys(hc) {
		if !slices.Contains(healthcheckKeys, k) {
			c.fail("%s: unknown key %q", at, k)
		}
	}
	if d, _ := hc["disable"].(bool); d {
		return
	}
	switch t := hc["test"].(type) {
	case string:
		if strings.TrimSpace(t) == "" {
			c.fail("%s.test: empty", at)
		}
	case []any:
		if len(t) == 0 {
			c.fail("%s.test: empty", at)
			break
		}
		first := fmt.Sprint(t[0])
		if !slices.Contains([]string{"CMD", "CMD-SHELL", "NONE"}, first) {
			c.fail("%s.test: a list must start with CMD, CMD-SHELL or NONE, not %q", at, first)
		} else if first != "NONE" && len(t) < 2 {
			c.fail("%s.test: %s without a command", at, first)
		}
	default:
		c.fail("%s.test: missing", at)
	}
	for _, k := range []string{"interval", "timeout", "start_period", "start_interval"} {
		if s, ok := hc[k]; ok {
			if d, err := time.ParseDuration(fmt.Sprint(s)); err != nil || d <= 0 {
				c.fail("%s.%s: %v is not a positive duration such as 10s or 1m30s", at, k, s)
			}
		}
	}
	if r, ok := hc["retries"]; ok {
		if n, err := strconv.Atoi(fmt.Sprint(r)); err != nil || n < 1 {
			c.fail("%s.retries: %v is not a positive integer", at, r)
		}
	}
}

// project checks what this repository's deployment needs: PostgreSQL 15 reporting health with pg_isready and
// the server built from this directory, waiting for it, reading .env, checked by a healthcheck, on port 3001
// of every interface, with /metrics on an unpublished port, and with a DATABASE_URL that names the database
// service and disables TLS (the compose network has none).
func (c *checker) project(services map[string]any) {
	var db, server string
	for _, name := range sortedKeys(services) {
		svc, _ := services[name].(map[string]any)
		if img, _ := svc["image"].(string); strings.HasPrefix(img, "postgres:") && db == "" {
			db = name
			if !strings.HasPrefix(img, "postgres:15") {
				c.fail("services.%s: image %s; the project targets PostgreSQL 15", name, img)
			}
		}
		if svc["build"] != nil && server == "" {
			server = name
		}
	}
	if db == "" {
		c.fail("no PostgreSQL service (image postgres:15…)")
	} else {
		svc := services[db].(map[string]any)
		hc, _ := svc["healthcheck"].(map[string]any)
		if !strings.Contains(fmt.Sprint(hc["test"]), "pg_isready") {
			c.fail("services.%s.healthcheck: should run pg_isready", db)
		}
	}
	if server == "" {
		c.fail("no service built from this repository (build: .)")
		return
	}
	at := "services." + server
	svc := services[server].(map[string]any)
	if hc, _ := svc["healthcheck"].(map[string]any); hc == nil || hc["disable"] == true {
		c.fail("%s: no healthcheck", at)
	}
	if db != "" && dependsOn(svc["depends_on"])[db] != "service_healthy" {
		c.fail("%s.depends_on: must wait for %s with condition service_healthy", at, db)
	}
	if !slices.ContainsFunc(envFiles(svc["env_file"]), func(e envFile) bool { return filepath.Clean(e.path) == ".env" }) {
		c.fail("%s.env_file: must include .env", at)
	}
	if !strings.Contains(fmt.Sprint(svc["ports"]), "3001") {
		c.fail("%s.ports: must publish 3001", at)
	}
	env := environment(svc["environment"])
	c.listeners(at, env, publishedTargets(svc["ports"]))
	raw, ok := env["DATABASE_URL"]
	if !ok {
		c.fail("%s.environment: no DATABASE_URL", at)
		return
	}
	u, err := url.Parse(interpolate(raw))
	switch {
	case err != nil:
		c.fail("%s.environment.DATABASE_URL: %v", at, err)
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		c.fail("%s.environment.DATABASE_URL: scheme %q, want postgres", at, u.Scheme)
	case db != "" && u.Hostname() != db:
		c.fail("%s.environment.DATABASE_URL: host %q, want the database service %q", at, u.Hostname(), db)
	case u.Query().Get("sslmode") != "disable":
		c.fail("%s.environment.DATABASE_URL: needs sslmode=disable (the compose database has no TLS)", at)
	}
}

// listeners checks where the server listens: HOST must be every interface of the container (on loopback, the
// published port reaches nothing), and /metrics, which has no authentication, must have a port of its own
// (METRICS_ADDR) that is not published, so that only the compose network reaches it.
func (c *checker) listeners(at string, env map[string]string, published []string) {
	switch host, ok := env["HOST"]; {
	case !ok:
		c.fail("%s.environment: no HOST: set it to 0.0.0.0 (a HOST from .env, such as localhost, would keep the published port from reaching the server)", at)
	case interpolate(host) != "0.0.0.0" && interpolate(host) != "::":
		c.fail("%s.environment.HOST: %q; use 0.0.0.0, every interface of the container (on loopback the published port reaches nothing)", at, host)
	}
	addr, ok := env["METRICS_ADDR"]
	if !ok {
		c.fail("%s.environment: no METRICS_ADDR: /metrics would be served on the published port without authentication; set it to a port of its own, e.g. \":9091\", and do not publish that port", at)
		return
	}
	_, port, err := net.SplitHostPort(interpolate(addr))
	if err != nil {
		c.fail("%s.environment.METRICS_ADDR: %q is not host:port (e.g. \":9091\")", at, addr)
		return
	}
	if slices.Contains(published, port) {
		c.fail("%s.ports: publishes METRICS_ADDR's port %s; keep /metrics on the compose network (expose, not ports)", at, port)
	}
}

// publishedTargets returns the container ports that ports publishes, in both forms: "8080:3001",
// "127.0.0.1:8080:3001/tcp" or "3001" (short), {target: 3001, published: 8080} (long). A range counts each
// of its ports.
func publishedTargets(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, p := range list {
		var target string
		switch p := p.(type) {
		case map[string]any:
			target = fmt.Sprint(p["target"])
		default:
			s := strings.TrimSpace(interpolate(fmt.Sprint(p)))
			s, _, _ = strings.Cut(s, "/")
			target = s[strings.LastIndex(s, ":")+1:]
		}
		lo, hi, isRange := strings.Cut(target, "-")
		from, err1 := strconv.Atoi(lo)
		to, err2 := strconv.Atoi(hi)
		if !isRange || err1 != nil || err2 != nil || to < from || to-from > 65535 {
			out = append(out, target)
			continue
		}
		for n := from; n <= to; n++ {
			out = append(out, strconv.Itoa(n))
		}
	}
	return out
}

// interpolationRe matches what Compose substitutes: $$, $NAME, ${NAME}, ${NAME:-default} and the other
// operators (-, :?, ?, :+, +).
var interpolationRe = regexp.MustCompile(`\$\$|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}`)

// interpolations reports every string with a $ that Compose would refuse.
func (c *checker) interpolations(at string, v any) {
	switch v := v.(type) {
	case string:
		rest := interpolationRe.ReplaceAllString(v, "")
		if strings.Contains(rest, "$") {
			c.fail("%s: invalid interpolation in %q (write $$ for a literal $)", strings.TrimPrefix(at, "."), v)
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			c.interpolations(at+"."+k, v[k])
		}
	case []any:
		for i, e := range v {
			c.interpolations(fmt.Sprintf("%s[%d]", at, i), e)
		}
	}
}

// interpolate substitutes as Compose does with an empty environment: defaults are used, and a required
// variable (${NAME:?…}) stands for a value the operator sets.
func interpolate(s string) string {
	return interpolationRe.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(m, "${"), "}")
		name := strings.TrimLeft(inner, "$")
		if i := strings.IndexAny(name, ":-?+"); i >= 0 {
			name = name[:i]
		}
		op := strings.TrimPrefix(inner, name)
		switch {
		case strings.HasPrefix(op, ":-"):
			return op[2:]
		case strings.HasPrefix(op, "-"):
			return op[1:]
		case strings.HasPrefix(op, ":?"), strings.HasPrefix(op, "?"):
			return "set-" + name
		}
		return "" // unset: ${NAME}, $NAME and ${NAME:+alt} are empty
	})
}

// dependsOn reads both forms of depends_on; the list form means service_started.
func dependsOn(v any) map[string]string {
	out := map[string]string{}
	switch v := v.(type) {
	case []any:
		for _, s := range v {
			out[fmt.Sprint(s)] = "service_started"
		}
	case map[string]any:
		for name, spec := range v {
			cond := "service_started"
			if m, ok := spec.(map[string]any); ok && m["condition"] != nil {
				cond = fmt.Sprint(m["condition"])
			}
			out[name] = cond
		}
	}
	return out
}

type envFile struct {
	path     string
	required bool
}

// envFiles reads the three forms of env_file: a string, a list of strings, a list of {path, required}.
func envFiles(v any) []envFile {
	switch v := v.(type) {
	case string:
		return []envFile{{path: v, required: true}}
	case []any:
		var out []envFile
		for _, e := range v {
			switch e := e.(type) {
			case string:
				out = append(out, envFile{path: e, required: true})
			case map[string]any:
				f := envFile{required: true}
				f.path, _ = e["path"].(string)
				if r, ok := e["required"].(bool); ok {
					f.required = r
				}
				out = append(out, f)
			}
		}
		return out
	}
	return nil
}

// environment reads both forms of environment: a mapping, or a list of NAME=value.
func environment(v any) map[string]string {
	out := map[string]string{}
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			if val != nil {
				out[k] = fmt.Sprint(val)
			}
		}
	case []any:
		for _, e := range v {
			if k, val, ok := strings.Cut(fmt.Sprint(e), "="); ok {
				out[k] = val
			}
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

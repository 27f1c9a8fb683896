package workers

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/modelarchitect/architect/internal/deployment"
)

// EndpointDriver is the built-in driver of SELF_HOSTED deployments: the team's own OpenAI-compatible model
// server is up when GET {endpoint}/models answers 200. Every address is checked against the endpoint
// policy when the request connects, so a host name cannot be rebound to a private address.
type EndpointDriver struct {
	Policy  deployment.Policy
	Timeout time.Duration // per probe (default 5 s)
}

func (EndpointDriver) Name() string { return "endpoint" }

func (e EndpointDriver) client(host string) *http.Client {
	dialer := &net.Dialer{Timeout: cmp.Or(e.Timeout, 5*time.Second), Control: e.Policy.ControlFor(host)}
	return &http.Client{
		Timeout: cmp.Or(e.Timeout, 5*time.Second),
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConns: 1,
			ResponseHeaderTimeout: cmp.Or(e.Timeout, 5*time.Second)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// probe asks the endpoint for its models.
func (e EndpointDriver) probe(ctx context.Context, t deployment.Target) deployment.Result {
	u, err := e.Policy.CheckEndpoint(ctx, t.Config.Endpoint)
	if err != nil {
		return deployment.Result{Outcome: deployment.OutcomeFailed, Reason: err.Error()}
	}
	models := u.JoinPath("models")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, models.String(), nil)
	if err != nil {
		return deployment.Result{Outcome: deployment.OutcomeFailed, Reason: err.Error()}
	}
	res, err := e.client(u.Hostname()).Do(req)
	if err != nil {
		return deployment.Result{Outcome: deployment.OutcomePending, Reason: "GET " + redact(models) + ": " + errText(err)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return deployment.Result{Outcome: deployment.OutcomePending, Reason: fmt.Sprintf("GET %s answered %s", redact(models), res.Status)}
	}
	return deployment.Result{Outcome: deployment.OutcomeReady, Reason: "GET " + redact(models) + " answered 200"}
}

// Provision reports READY once the endpoint answers; PENDING while it does not (the rollout's deadline
// turns that into FAILED).
func (e EndpointDriver) Provision(ctx context.Context, t deployment.Target) (deployment.Result, error) {
	return e.probe(ctx, t), nil
}

// Check reports FAILED, with the reason, when an ACTIVE endpoint stops answering.
func (e EndpointDriver) Check(ctx context.Context, t deployment.Target) (deployment.Result, error) {
	r := e.probe(ctx, t)
	if r.Outcome == deployment.OutcomePending {
		r.Outcome, r.Reason = deployment.OutcomeFailed, "health check: "+r.Reason
	}
	return r, nil
}

// Terminate has nothing to release: the team runs the server.
func (EndpointDriver) Terminate(context.Context, deployment.Target) error { return nil }

func redact(u *url.URL) string { return u.Redacted() }

// errText shortens transport errors to what a person needs ("connection refused", "timeout").
func errText(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

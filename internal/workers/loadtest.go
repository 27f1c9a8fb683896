package workers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/providers"
)

// LoadTestArgs runs one load test from start to end. It has one attempt: a load test that crashed or timed out
// is FAILED with what it measured, never restarted (a restart would send its traffic twice).
type LoadTestArgs struct {
	LoadTestID int `json:"load_test_id"`
}

func (LoadTestArgs) Kind() string { return "load_test" }

func (LoadTestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// loadTestGrace is how long a load test's job may run past its planned duration (connection set-up, the
// last requests' cancellation, the final save) before River cancels it, and how long after that the reaper
// waits before it fails a RUNNING test whose worker died.
const loadTestGrace = time.Minute

// LoadTestDeadline is how long a load test of plan p may run in all: every step's duration plus the grace.
func LoadTestDeadline(p model.LoadTestPlan) time.Duration {
	return loadtest.Plan(p).MaxDuration() + loadTestGrace
}

type loadTestWorker struct {
	river.WorkerDefaults[LoadTestArgs]
	d *Deps
}

// Timeout is the test's planned duration plus the grace: River cancels the job's context then.
func (w *loadTestWorker) Timeout(job *river.Job[LoadTestArgs]) time.Duration {
	lt, err := w.d.Client.LoadTest.Get(system(context.Background()), job.Args.LoadTestID)
	if err != nil {
		return loadTestGrace
	}
	return LoadTestDeadline(lt.Plan)
}

// Work runs the test, saving the result at every progress report (at most once a second). A save that finds
// the test no longer RUNNING (cancelled or deleted) stops the run. At the end the test is COMPLETED, or
// FAILED with the reason, and its calls are settled on the ledger: the ones sent count as used, the rest of
// the reservation goes back.
func (w *loadTestWorker) Work(ctx context.Context, job *river.Job[LoadTestArgs]) error {
	sys := system(ctx)
	lt, err := w.d.Client.LoadTest.Get(sys, job.Args.LoadTestID)
	if err != nil || lt.Status != entloadtest.StatusRUNNING {
		return ignoreNotFound(err)
	}
	key := LoadTestQuotaKey(lt)
	client, name, effort, err := w.d.loadTestTarget(sys, lt)
	if err != nil {
		return w.finish(sys, lt.ID, key, loadtest.Result{}, entloadtest.StatusFAILED, err.Error())
	}
	run, stop := context.WithCancel(ctx)
	defer stop()
	var stopped atomic.Bool // cancelled or deleted by its owner
	progress := func(r loadtest.Result) {
		res := saved(r)
		_, err := w.d.Client.LoadTest.UpdateOneID(lt.ID).Where(entloadtest.StatusEQ(entloadtest.StatusRUNNING)).
			SetResult(&res).Save(sys)
		if ent.IsNotFound(err) {
			stopped.Store(true)
			stop()
		} else if err != nil {
			w.d.Log.WarnContext(ctx, "load test progress not saved", "load_test", lt.ID, "err", err)
		}
	}
	res, err := loadtest.Run(run, loadtest.Config{Client: effortClient{client, effort}, Model: name,
		Plan: loadtest.Plan(lt.Plan), Now: w.d.Now, Progress: progress})
	fin := context.WithoutCancel(sys)
	switch {
	case stopped.Load():
		return w.finish(fin, lt.ID, key, res, entloadtest.StatusCANCELLED, "")
	case err == nil:
		return w.finish(fin, lt.ID, key, res, entloadtest.StatusCOMPLETED, "")
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return w.finish(fin, lt.ID, key, res, entloadtest.StatusFAILED,
			fmt.Sprintf("the job's time limit (%s) ended the test; what was measured is kept", LoadTestDeadline(lt.Plan)))
	default:
		return w.finish(fin, lt.ID, key, res, entloadtest.StatusFAILED, err.Error())
	}
}

// finish ends a RUNNING test with its result and status, counting its sent calls and releasing the rest of
// its reservation; a test its owner cancelled meanwhile keeps its status and gets the run's final result (the
// requests cut off counted as CANCELLED); one that was deleted only has its calls counted.
//
// A test of a deployment locks the deployment before the test (LockLoadTestTarget): completing a sweep
// re-sizes the deployment, and deleting the deployment locks it and then, through the foreign key, its load
// tests, so the one order keeps the two from deadlocking on PostgreSQL.
func (w *loadTestWorker) finish(ctx context.Context, id int, key ledger.Key, r loadtest.Result, status entloadtest.Status, reason string) error {
	return w.d.DB.InTx(ctx, func(ctx context.Context) error {
		c := ent.FromContext(ctx)
		if err := LockLoadTestTarget(ctx, c, id); err != nil {
			return err
		}
		w.d.pause(ctx, "finishLoadTest")
		lt, err := LockLoadTest(ctx, c, id)
		if ent.IsNotFound(err) { // deleted by its owner: only its calls are left to count
			return ledger.Settle(ctx, c, key, sent(r), 0)
		}
		if err != nil {
			return err
		}
		if err := ledger.Settle(ctx, c, key, sent(r), 0); err != nil {
			return err
		}
		res := saved(r)
		if lt.Status != entloadtest.StatusRUNNING { // cancelled meanwhile: keep the run's final measurements
			return c.LoadTest.UpdateOne(lt).SetResult(&res).Exec(ctx)
		}
		lt, err = EndLoadTest(ctx, c, lt, status, func(u *ent.LoadTestUpdateOne) {
			u.SetResult(&res).SetFinishedAt(w.d.now().UTC())
			if reason != "" {
				u.SetError(reason)
			}
		})
		if err != nil || status != entloadtest.StatusCOMPLETED || w.d.Measured == nil {
			return err
		}
		return w.d.Measured(ctx, lt)
	})
}

// saved is the result as a row keeps it: without the plan's prompts (up to 16 MiB), which the row's plan holds.
func saved(r loadtest.Result) model.LoadTestResult {
	r.Plan.Prompts = nil
	return model.LoadTestResult(r)
}

func sent(r loadtest.Result) int {
	n := 0
	for _, s := range r.Steps {
		n += s.Sent
	}
	return n
}

// loadTestTarget builds the test's own client: no retries and no shared limiter (each request is sent once,
// under the test's concurrency), and for a deployment an HTTP client that applies the endpoint policy to
// every address it dials.
func (d *Deps) loadTestTarget(ctx context.Context, lt *ent.LoadTest) (providers.Client, string, string, error) {
	opts := loadtest.ProviderOptions(nil)
	opts.Now = d.Now
	if lt.Model != nil {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: max(lt.Plan.MaxConcurrency, 2)}}
		_, effort, _ := strings.Cut(*lt.Model, "@")
		c, name, err := d.Providers.Dedicated(*lt.Model, opts)
		return c, name, effort, err
	}
	if lt.DeploymentID == nil {
		return nil, "", "", errors.New("the deployment under test was deleted")
	}
	dep, err := d.Client.Deployment.Get(ctx, *lt.DeploymentID)
	if err != nil {
		return nil, "", "", fmt.Errorf("deployment %d: %w", *lt.DeploymentID, err)
	}
	if dep.Provider != entdeployment.ProviderSELF_HOSTED || dep.Config.Endpoint == nil {
		return nil, "", "", fmt.Errorf("deployment %d has no endpoint", dep.ID)
	}
	u, err := d.Endpoints.CheckEndpoint(ctx, *dep.Config.Endpoint)
	if err != nil {
		return nil, "", "", err
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: d.Endpoints.ControlFor(u.Hostname())}
	opts.HTTPClient = &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: max(lt.Plan.MaxConcurrency, 2)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c, err := providers.NewClient(providers.ProviderConfig{Name: "deployment", Kind: providers.KindOpenAI,
		BaseURL: u.String()}, opts)
	return c, dep.ModelName, "", err
}

// effortClient sends a model id's reasoning effort (openai/gpt-5@high) with every request.
type effortClient struct {
	providers.Client
	effort string
}

func (c effortClient) Complete(ctx context.Context, req providers.Request) (providers.Result, error) {
	if c.effort != "" {
		req.ReasoningEffort = c.effort
	}
	return c.Client.Complete(ctx, req)
}

// LoadTestQuotaKey is the ledger row a load test's calls count on: the day it reserved them.
func LoadTestQuotaKey(lt *ent.LoadTest) ledger.Key {
	day := ledger.Day(lt.CreatedAt)
	if lt.QuotaDay != nil {
		day = *lt.QuotaDay
	}
	return ledger.Key{Owner: lt.OwnerID, Day: day, Kind: ledger.LoadTest}
}

// LockLoadTestTarget locks the deployment load test id targets, if any, until the transaction of ctx ends:
// a deployment is locked before its load tests, on every path that locks both (deleting the deployment
// locks it, then its load tests through the foreign key). The test's deployment is read unlocked: it is
// set once, and only deleting the deployment, which needs the lock taken here, clears it.
func LockLoadTestTarget(ctx context.Context, c *ent.Client, id int) error {
	deps, err := c.LoadTest.Query().Where(entloadtest.ID(id), entloadtest.DeploymentIDNotNil()).
		Select(entloadtest.FieldDeploymentID).Ints(ctx)
	if err != nil || len(deps) == 0 {
		return err
	}
	_, err = c.Deployment.Query().Where(entdeployment.ID(deps[0])).LockForUpdate().IDs(ctx)
	return err
}

// LockLoadTest reads load test id and locks it until the transaction of ctx ends.
func LockLoadTest(ctx context.Context, c *ent.Client, id int) (*ent.LoadTest, error) {
	return c.LoadTest.Query().Where(entloadtest.ID(id)).LockForUpdate().Only(ctx)
}

// EndLoadTest moves a locked load test to status, releasing the calls it still holds against its owner's
// quota; set adds the other fields to change. The update names the status it leaves.
func EndLoadTest(ctx context.Context, c *ent.Client, lt *ent.LoadTest, status entloadtest.Status,
	set func(*ent.LoadTestUpdateOne)) (*ent.LoadTest, error) {
	if err := ledger.Settle(ctx, c, LoadTestQuotaKey(lt), 0, lt.QuotaHeld); err != nil {
		return nil, err
	}
	u := c.LoadTest.UpdateOne(lt).Where(entloadtest.StatusEQ(lt.Status)).SetStatus(status).SetQuotaHeld(0)
	if set != nil {
		set(u)
	}
	return u.Save(ctx)
}

// reapLoadTests fails RUNNING load tests whose job cannot still be running: past their deadline plus the
// grace (the worker crashed, or its process was killed). The last saved result is kept; the calls it had
// saved as sent count as used.
func reapLoadTests(ctx context.Context, d *Deps) error {
	running, err := d.Client.LoadTest.Query().Where(entloadtest.StatusEQ(entloadtest.StatusRUNNING)).All(ctx)
	if err != nil {
		return err
	}
	now := d.now()
	for _, lt := range running {
		if lt.StartedAt == nil || now.Before(lt.StartedAt.Add(LoadTestDeadline(lt.Plan)+loadTestGrace)) {
			continue
		}
		err := d.DB.InTx(ctx, func(ctx context.Context) error {
			c := ent.FromContext(ctx)
			lt, err := LockLoadTest(ctx, c, lt.ID)
			if err != nil || lt.Status != entloadtest.StatusRUNNING {
				return ignoreNotFound(err)
			}
			var r loadtest.Result
			if lt.Result != nil {
				r = loadtest.Result(*lt.Result)
			}
			if err := ledger.Settle(ctx, c, LoadTestQuotaKey(lt), sent(r), 0); err != nil {
				return err
			}
			_, err = EndLoadTest(ctx, c, lt, entloadtest.StatusFAILED, func(u *ent.LoadTestUpdateOne) {
				u.SetError(fmt.Sprintf("its worker stopped before the end (a crash or a restart): the result saved until then is kept; a load test is never restarted")).
					SetFinishedAt(d.now().UTC())
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

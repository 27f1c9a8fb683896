package events_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/events/eventstest"
)

// subscribeMany opens n subscriptions of f(i) on b.
func subscribeMany(tb testing.TB, b events.Broker, n int, f func(i int) events.Filter) []*events.Subscription {
	tb.Helper()
	subs := make([]*events.Subscription, n)
	for i := range n {
		var err error
		subs[i], err = b.Subscribe(context.Background(), f(i))
		require.NoError(tb, err)
	}
	return subs
}

func drainAll(subs []*events.Subscription) {
	for _, s := range subs {
		eventstest.Drain(s)
	}
}

// BenchmarkMemoryFanout publishes one event among 10,000 idle subscriptions: to all of them (one owner's
// stream opened 10,000 times), or to the 10 of one owner (1,000 owners × 10). The second shows the
// cost follows the matching subscriptions, not all of them.
func BenchmarkMemoryFanout(b *testing.B) {
	const subscribers = 10_000
	for _, bc := range []struct {
		name   string
		owners int
	}{
		{"match=10000_of_10000", 1},
		{"match=10_of_10000", 1000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			br := events.NewMemory(events.MemoryConfig{})
			defer br.Close()
			subs := subscribeMany(b, br, subscribers, func(i int) events.Filter {
				return events.ByOwner("benchmark", i%bc.owners+1)
			})
			// Each owner receives an event every bc.owners publishes; drain before any buffer fills, untimed.
			drainEvery := (events.DefaultBuffer - 1) * bc.owners
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				ev := events.Event{Kind: "benchmark", ID: i + 1, OwnerID: i%bc.owners + 1, Status: "RUNNING"}
				if err := br.Publish(ctx, ev); err != nil {
					b.Fatal(err)
				}
				if (i+1)%drainEvery == 0 {
					b.StopTimer()
					drainAll(subs)
					b.StartTimer()
				}
			}
			b.StopTimer()
			if st := br.Stats(); st.Dropped != 0 {
				b.Fatalf("%d events dropped: the benchmark measured overflow, not fan-out", st.Dropped)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(br.Stats().Delivered), "ns/delivery")
		})
	}
}

// BenchmarkMemorySubscribe measures opening and closing one subscription among 10,000 open ones.
func BenchmarkMemorySubscribe(b *testing.B) {
	br := events.NewMemory(events.MemoryConfig{})
	defer br.Close()
	subscribeMany(b, br, 10_000, func(i int) events.Filter { return events.ByID("benchmark", i+1) })
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, err := br.Subscribe(ctx, events.ByID("deployment", i%10_000+1))
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// TestMemoryPerSubscription measures the heap that 10,000 idle subscriptions cost the broker (index,
// buffer, context registration), for the budget of 30 KiB per websocket (bench/README.md). Not parallel: it reads
// process-wide heap statistics, and Go starts parallel tests only after the sequential ones.
func TestMemoryPerSubscription(t *testing.T) {
	const n = 10_000
	for _, tc := range []struct {
		name   string
		filter func(i int) events.Filter
	}{
		{"one row each", func(i int) events.Filter { return events.ByID("benchmark", i+1) }},
		{"10 per owner", func(i int) events.Filter { return events.ByOwner("benchmark", i/10+1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := events.NewMemory(events.MemoryConfig{})
			defer b.Close()
			// The caller's contexts (one per GraphQL operation) are not the broker's cost.
			ctxs := make([]context.Context, n)
			for i := range ctxs {
				var cancel context.CancelFunc
				ctxs[i], cancel = context.WithCancel(t.Context())
				defer cancel()
			}
			subs := make([]*events.Subscription, n)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range subs {
				var err error
				subs[i], err = b.Subscribe(ctxs[i], tc.filter(i))
				require.NoError(t, err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perSub := float64(after.HeapAlloc-before.HeapAlloc) / n
			t.Logf("%s: %.0f bytes of heap per idle subscription (buffer %d notices)", tc.name, perSub, events.DefaultBuffer)
			// A Notice is 64 bytes, so the buffer alone is 16×64 = 1,024; 2 KiB leaves room for the rest and is
			// under 7% of the 30 KiB per-connection budget.
			require.Less(t, perSub, 2048.0)
			runtime.KeepAlive(subs)
			runtime.KeepAlive(ctxs)
		})
	}
}

// BenchmarkPostgresFanout is the broker's share of the fan-out target of bench/README.md: 10,000 subscriptions on the
// viewer-wide streams of 1,000 owners (10 each); one operation publishes one event per owner from 8
// goroutines and waits until all 10,000 notices arrived. It reports the time from the Publish call to
// receipt at p50 and p99.
func BenchmarkPostgresFanout(b *testing.B) {
	const owners, perOwner, publishers = 1000, 10, 8
	w := setupPostgres(b)
	w.db.SetMaxOpenConns(publishers)
	br := w.broker(b, events.PostgresConfig{})
	subs := subscribeMany(b, br, owners*perOwner, func(i int) events.Filter {
		return events.ByOwner("benchmark", i/perOwner+1)
	})
	var (
		sentAt    = make([]atomic.Int64, owners) // by owner, UnixNano of the Publish call
		mu        sync.Mutex
		latencies []time.Duration
		received  sync.WaitGroup
	)
	for _, s := range subs {
		go func() {
			for n := range s.C() {
				if n.Resync {
					b.Error("a subscription overflowed")
					received.Done()
					continue
				}
				d := time.Duration(time.Now().UnixNano() - sentAt[n.Event.OwnerID-1].Load())
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
				received.Done()
			}
		}()
	}
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		received.Add(owners * perOwner)
		var pub sync.WaitGroup
		for p := range publishers {
			pub.Go(func() {
				for o := p; o < owners; o += publishers {
					sentAt[o].Store(time.Now().UnixNano())
					ev := events.Event{Kind: "benchmark", ID: i*owners + o + 1, OwnerID: o + 1, Status: "COMPLETED"}
					if err := br.Publish(ctx, ev); err != nil {
						b.Error(err)
					}
				}
			})
		}
		pub.Wait()
		received.Wait()
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latencies)
	q := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(owners)/float64(b.N), "ns/event")
}

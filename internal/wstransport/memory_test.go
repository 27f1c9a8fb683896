package wstransport_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// The memory target (bench/README.md, "Targets"): at most 30 KiB per idle socket with one active
// subscription.
const targetBytesPerConn = 30 << 10

// TestMemoryPerConnection opens WSTRANSPORT_CONNS sockets (default 2,000), each with one subscription,
// from a child process so that the clients' memory is not counted, and measures the server's growth per
// socket; then it publishes one event to all of them and times the fan-out. It does not run in parallel:
// other tests' allocations would blur the figures.
func TestMemoryPerConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of sockets")
	}
	n := 2000
	if s := os.Getenv("WSTRANSPORT_CONNS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	m := measureConnections(t, n)
	t.Logf("%d sockets: heap+stacks %.1f KiB/socket (heap %.1f, stacks %.1f), RSS %.1f KiB/socket, %.2f goroutines/socket; one event to all in %v",
		n, m.perConn/1024, m.heapPerConn/1024, m.stackPerConn/1024, m.rssPerConn/1024, m.goroutinesPerConn, m.fanout)
	require.LessOrEqual(t, m.perConn, float64(targetBytesPerConn), "heap and stacks per socket")
}

// BenchmarkConnections10k is the same measurement at 10,000 sockets (the fan-out target); the figures
// are reported as metrics.
// Run: go test -run '^$' -bench Connections10k -benchtime 1x ./internal/wstransport/
func BenchmarkConnections10k(b *testing.B) {
	for b.Loop() {
		m := measureConnections(b, 10_000)
		b.ReportMetric(m.perConn, "heap+stack-B/conn")
		b.ReportMetric(m.rssPerConn, "rss-B/conn")
		b.ReportMetric(m.goroutinesPerConn, "goroutines/conn")
		b.ReportMetric(float64(m.fanout.Microseconds())/1000, "fanout-ms")
	}
}

type memoryFigures struct {
	perConn, heapPerConn, stackPerConn, rssPerConn, goroutinesPerConn float64
	fanout                                                            time.Duration
}

func measureConnections(tb testing.TB, n int) memoryFigures {
	tb.Helper()
	b := setupTB(tb, wstransport.Config{
		// What production runs: keep-alive and revalidation timers on every socket.
		Revalidate: func(context.Context) error { return nil },
	}, nil)
	before := sample()

	child := exec.Command(os.Args[0], "-test.run=^TestHelperClients$", "-test.v=false")
	child.Env = append(os.Environ(), "WSTRANSPORT_HELPER_URL="+b.url, "WSTRANSPORT_HELPER_N="+strconv.Itoa(n))
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	require.NoError(tb, err)
	stdout, err := child.StdoutPipe()
	require.NoError(tb, err)
	require.NoError(tb, child.Start())
	defer func() {
		_ = stdin.Close()
		_ = child.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	expectLine := func(want string) {
		tb.Helper()
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), want) {
				return
			}
		}
		tb.Fatalf("the client process ended before %q: %v", want, lines.Err())
	}
	expectLine("subscribed")
	require.Eventually(tb, func() bool {
		return b.events.gauges().operations == n && b.schema.active.Load() == int64(n)
	}, time.Minute, 10*time.Millisecond, "every subscription runs")
	after := sample()
	// WSTRANSPORT_HEAPPROFILE=file writes the heap profile at this point, for go tool pprof.
	if path := os.Getenv("WSTRANSPORT_HEAPPROFILE"); path != "" {
		f, err := os.Create(path)
		require.NoError(tb, err)
		require.NoError(tb, pprof.Lookup("heap").WriteTo(f, 0))
		require.NoError(tb, f.Close())
	}

	start := time.Now()
	b.schema.ticks.publish()
	expectLine("delivered")
	fanout := time.Since(start)

	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(n) }
	return memoryFigures{
		perConn:           per(after.heap+after.stack, before.heap+before.stack),
		heapPerConn:       per(after.heap, before.heap),
		stackPerConn:      per(after.stack, before.stack),
		rssPerConn:        per(after.rss, before.rss),
		goroutinesPerConn: per(after.goroutines, before.goroutines),
		fanout:            fanout,
	}
}

type memorySample struct{ heap, stack, rss, goroutines uint64 }

func sample() memorySample {
	// Blocked goroutines' stacks shrink by half per collection; a few give the steady state of a server
	// whose idle sockets have lived through some collections.
	for range 4 {
		runtime.GC()
	}
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memorySample{heap: ms.HeapInuse, stack: ms.StackInuse, rss: rss(), goroutines: uint64(runtime.NumGoroutine())}
}

// rss reads the resident set size from /proc (Linux); 0 elsewhere.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestHelperClients is the client process of measureConnections, not a test: it opens
// WSTRANSPORT_HELPER_N graphql-transport-ws sockets, subscribes each to ticks, prints "subscribed",
// prints "delivered" once every socket has its first result, and holds the sockets until stdin closes.
func TestHelperClients(t *testing.T) {
	url := os.Getenv("WSTRANSPORT_HELPER_URL")
	if url == "" {
		t.Skip("the client process of TestMemoryPerConnection")
	}
	n, err := strconv.Atoi(os.Getenv("WSTRANSPORT_HELPER_N"))
	require.NoError(t, err)
	dialer := websocket.Dialer{
		Subprotocols: []string{transportWS}, ReadBufferSize: 256, WriteBufferSize: 256,
		HandshakeTimeout: 30 * time.Second,
	}
	conns := make([]*websocket.Conn, n)
	var g errgroup.Group
	g.SetLimit(32)
	for i := range n {
		g.Go(func() error {
			ws, _, err := dialer.Dial(url, nil)
			if err != nil {
				return fmt.Errorf("dial %d: %w", i, err)
			}
			conns[i] = ws
			if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"connection_init"}`)); err != nil {
				return err
			}
			if _, _, err := ws.ReadMessage(); err != nil {
				return fmt.Errorf("ack %d: %w", i, err)
			}
			return ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"subscribe","id":"1","payload":{"query":"subscription { ticks }"}}`))
		})
	}
	require.NoError(t, g.Wait())
	fmt.Println("subscribed")

	var received atomic.Int64
	var wg sync.WaitGroup
	for _, ws := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if strings.Contains(string(data), `"next"`) && received.Add(1) == int64(n) {
					fmt.Println("delivered")
				}
			}
		}()
	}
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	for _, ws := range conns {
		_ = ws.Close()
	}
	wg.Wait()
}

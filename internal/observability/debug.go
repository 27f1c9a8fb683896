package observability

import (
	"net/http"
	"net/http/pprof"
)

// DebugHandler serves Go's runtime profiles under /debug/pprof/ (CPU, heap, goroutines, …), for the
// listener DEBUG_ADDR names. It is never mounted on the public port: profiles reveal the process's insides.
func DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Package demo is the all-in-one demo's cast: the Nepxion guide topology
// (a gateway, service-a 1.0/1.1, service-b 1.0/1.1), the demo service that
// answers GET /invoke/{value} with Nepxion's chain body, fault injection, and
// a gentle traffic generator.
package demo

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/internal/localcall"
	"github.com/switchyard-io/switchyard/sdk"
)

// Fault is what a demo service is told to inject.
type Fault struct {
	ErrorRate float64 `json:"errorRate" yaml:"error_rate"` // 0..1: share of /invoke requests answered 500
	LatencyMs int     `json:"latencyMs" yaml:"latency_ms"` // added to every /invoke request
}

// App is one demo service instance.
type App struct {
	svc   *sdk.Service
	next  string // the service it calls, "" for the last one
	fault atomic.Pointer[Fault]
}

// NewApp returns the app of svc calling next.
func NewApp(svc *sdk.Service, next string, f Fault) *App {
	a := &App{svc: svc, next: next}
	a.fault.Store(&f)
	return a
}

// Handler serves the app behind the SDK's middleware.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /invoke/{value}", a.invoke)
	mux.Handle("POST /"+dataplane.InspectPath, a.svc.InspectorHandler())
	mux.HandleFunc("GET /demo/fault", a.getFault)
	mux.HandleFunc("PUT /demo/fault", a.putFault)
	mux.HandleFunc("GET /healthz", a.health)
	return a.svc.Middleware(mux)
}

// invoke is Nepxion's AFeignImpl/BFeignImpl: append this instance's segment
// to the value and pass it down the chain; the last service answers it.
func (a *App) invoke(w http.ResponseWriter, r *http.Request) {
	f := a.fault.Load()
	if f.LatencyMs > 0 {
		time.Sleep(time.Duration(f.LatencyMs) * time.Millisecond)
	}
	if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		http.Error(w, "injected error", http.StatusInternalServerError)
		return
	}
	self := a.svc.Self()
	value := dataplane.PluginInfo(r.PathValue("value"), &self)
	if a.next == "" {
		_, _ = io.WriteString(w, value)
		return
	}
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "http://"+a.next+"/invoke/"+url.PathEscape(value), nil)
	resp, err := a.svc.Client().Do(req)
	if err != nil {
		http.Error(w, value+" -> "+a.next+" unavailable: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (a *App) getFault(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(a.fault.Load())
}

// putFault takes no credentials (a demo knob), so it refuses what web
// pages send (a DNS-rebinding page could otherwise reach it).
func (a *App) putFault(w http.ResponseWriter, r *http.Request) {
	if err := localcall.Check(r); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	var f Fault
	dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		http.Error(w, "fault: body must be {\"errorRate\":0..1,\"latencyMs\":N}: "+err.Error(), http.StatusBadRequest)
		return
	}
	if f.ErrorRate < 0 || f.ErrorRate > 1 || f.LatencyMs < 0 || f.LatencyMs > 60000 {
		http.Error(w, "fault: errorRate must be within 0..1 and latencyMs within 0..60000", http.StatusBadRequest)
		return
	}
	a.fault.Store(&f)
	a.getFault(w, r)
}

// health reports the instance and its rule (the e2e tests wait on it).
func (a *App) health(w http.ResponseWriter, _ *http.Request) {
	st := a.svc.Rules.Status()
	status := "ok"
	if !st.OK {
		status = "degraded"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "rule": st, "self": a.svc.Self()})
}

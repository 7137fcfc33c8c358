// Package sidecar puts a service written in any language into a full-link
// release. The sidecar registers the service at its inbound address; the
// inbound proxy applies the service's route filter and forwards to the local
// app; the outbound proxy takes the app's calls to other services
// (http://127.0.0.1:OUT/<service-id>/path, or any path with Host:
// <service-id>), propagates the n-d-* headers and picks the provider
// instance by the rule. The app's one duty is to copy the n-d-* headers (and
// the configured context headers) of the request it serves onto the calls it
// makes, as with any header-based mesh.
package sidecar

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/sdk"
)

// Sidecar is the inbound and outbound proxy of one app instance.
type Sidecar struct {
	svc    *sdk.Service
	app    *url.URL
	logger *slog.Logger
}

// New returns a sidecar for the app listening at appAddr (host:port). svc
// is the service the sidecar registers, with the inbound address as its
// address.
func New(svc *sdk.Service, appAddr string, logger *slog.Logger) *Sidecar {
	if logger == nil {
		logger = slog.Default()
	}
	return &Sidecar{svc: svc, app: &url.URL{Scheme: "http", Host: appAddr}, logger: logger}
}

// Inbound is the handler of the inbound listener: metrics, health, the
// inspector endpoint (answered by the sidecar itself) and everything else
// forwarded to the app with the route filter's headers.
func (s *Sidecar) Inbound() http.Handler {
	toApp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(s.app)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport: dataplane.NewTransport(),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil { // the consumer went away: no failure of the app
				s.svc.Metrics.Abandoned()
				s.logger.DebugContext(r.Context(), "consumer went away", "app", s.app.Host, "err", err)
				w.WriteHeader(dataplane.StatusClientClosed)
				return
			}
			s.logger.WarnContext(r.Context(), "app unreachable", "app", s.app.Host, "err", err)
			http.Error(w, "sidecar: the app at "+s.app.Host+" does not answer: "+err.Error(), http.StatusBadGateway)
		},
	}
	mux := http.NewServeMux()
	mux.Handle("POST /"+dataplane.InspectPath, s.svc.InspectorHandler())
	mux.HandleFunc("GET /healthz", s.health)
	mux.Handle("/", toApp)
	return s.svc.Middleware(mux)
}

// Outbound is the handler of the outbound listener the app calls.
func (s *Sidecar) Outbound() http.Handler {
	client := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			service, path := serviceOf(pr.In)
			pr.Out.URL.Scheme, pr.Out.URL.Host = "http", service
			pr.Out.URL.Path, pr.Out.URL.RawPath = path, ""
			pr.Out.Host = ""
		},
		Transport: s.svc.Transport(),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, "sidecar: "+err.Error(), http.StatusBadGateway)
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		service, _ := serviceOf(r)
		if service == "" {
			http.Error(w, "sidecar: name the service: http://<outbound>/<service-id>/path or Host: <service-id>", http.StatusBadRequest)
			return
		}
		// The app's request carries the n-d-* headers it was served with:
		// they are the hop's context, as the incoming request is for the SDK.
		ctx := s.svc.Capture(r)
		client.ServeHTTP(w, r.WithContext(ctx))
	})
}

// serviceOf names the provider: the Host header when it is a service id,
// else the first path segment (which is then removed from the path).
func serviceOf(r *http.Request) (service, path string) {
	host := r.Host
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(host, "]") {
		host = h
	}
	if host != "" && !strings.ContainsAny(host, ".[") && host != "localhost" && !strings.Contains(r.Host, ":") {
		return strings.ToLower(host), r.URL.Path
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	seg, rest, _ := strings.Cut(p, "/")
	return strings.ToLower(seg), "/" + rest
}

func (s *Sidecar) health(w http.ResponseWriter, r *http.Request) {
	st := s.svc.Rules.Status()
	if !st.OK {
		w.Header().Set("X-Rule-Status", "degraded")
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// Run serves the inbound and outbound listeners until ctx ends or one of
// them fails. Then both shut down: requests in flight have grace to finish,
// after which their connections are closed.
func Run(ctx context.Context, grace time.Duration, inbound, outbound *http.Server) error {
	servers := []*http.Server{inbound, outbound}
	errc := make(chan error, len(servers))
	for _, srv := range servers {
		go func(srv *http.Server) { errc <- srv.ListenAndServe() }(srv)
	}
	var failed error
	select {
	case failed = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range servers {
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close() // the grace is over: drop what is left
		}
	}
	return failed
}

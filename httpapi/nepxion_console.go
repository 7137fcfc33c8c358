package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/switchyard-io/switchyard"
)

type openConsoleKey struct{}

// NepxionConsole is the handler of the demo's Nepxion console listener (the
// guide's 127.0.0.1:6001): Nepxion's root paths (NepxionPaths) over the
// Nepxion routes, /healthz and /readyz only; any other path answers 404,
// never the console's pages. With NepxionOpenOnLoopback a program on this
// machine needs no token here, and only here: the API listener's /nepxion/
// always wants one. Web pages are refused that open access (see
// localcall.CheckLoopback).
func (s *Server) NepxionConsole() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		if rt.Tag == "nepxion" {
			mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
		}
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, NepxionPrefix)
		if len(path) > 200 {
			path = path[:200] + "…"
		}
		writeError(w, r, switchyard.Errorf(switchyard.CodeNotFound, "no Nepxion endpoint %s %s", r.Method, path).WithReason("route.not_found", nil), s.Logger)
	})
	paths := NepxionPaths(mux)
	return s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), openConsoleKey{}, true)))
	}))
}

// onNepxionConsole reports whether r came through NepxionConsole.
func onNepxionConsole(r *http.Request) bool {
	on, _ := r.Context().Value(openConsoleKey{}).(bool)
	return on
}

package dataplane

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// AdminPaths are the instance admin endpoints of Nepxion's admin center
// that switchyard serves (ConfigEndpoint): the control plane's batch
// endpoints (/config/update-async/{serviceId} …) call them on every instance.
var AdminPaths = []string{"/config/config-type", "/config/update-async", "/config/update-sync", "/config/clear-async", "/config/clear-sync", "/config/view"}

// IsAdminPath reports whether path is an instance admin endpoint.
func IsAdminPath(path string) bool {
	for _, p := range AdminPaths {
		if path == p {
			return true
		}
	}
	return false
}

// AdminHandler serves the instance admin endpoints for rules. Like
// Nepxion's they take no credentials, so a process mounts them only when
// its operator enables them (the demo does, on loopback). A rule set here
// lives in memory until the next change of the partial key.
func AdminHandler(rules *Rules) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch {
		case r.URL.Path == "/config/config-type" && r.Method == http.MethodGet:
			_, _ = io.WriteString(w, Plugin)
		case (r.URL.Path == "/config/update-async" || r.URL.Path == "/config/update-sync") && r.Method == http.MethodPost:
			b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err == nil {
				err = rules.SetPartial(string(b))
			}
			answer(w, err)
		case (r.URL.Path == "/config/clear-async" || r.URL.Path == "/config/clear-sync") && r.Method == http.MethodPost:
			answer(w, rules.SetPartial(""))
		case r.URL.Path == "/config/view" && r.Method == http.MethodGet:
			global, partial := rules.Texts()
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode([]string{"", global, partial}) // [local, global, partial]
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

func answer(w http.ResponseWriter, err error) {
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, strings.TrimSpace(err.Error()))
		return
	}
	_, _ = io.WriteString(w, "true")
}

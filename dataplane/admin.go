package dataplane

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/switchyard-io/switchyard/internal/localcall"
)

// AdminPaths are the instance admin endpoints of Nepxion's admin center
// that switchyard serves (ConfigEndpoint): the control plane's batch
// endpoints (/config/update-async/{serviceId} …) call them on every instance.
var AdminPaths = []string{"/config/config-type", "/config/update-async", "/config/update-sync", "/config/clear-async", "/config/clear-sync", "/config/view"}

// MaxAdminBody bounds the rule an admin endpoint takes (the config center's
// limit of one config).
const MaxAdminBody = 1 << 20

// IsAdminPath reports whether path is an instance admin endpoint.
func IsAdminPath(path string) bool {
	for _, p := range AdminPaths {
		if path == p {
			return true
		}
	}
	return false
}

// AdminHandler serves the instance admin endpoints for rules, on a
// listener of their own (--admin-listen), never the process's public one.
// Like Nepxion's they take no credentials: the listener is bound where only
// the control plane and operators reach it. Requests a web page makes (an
// Origin, cross-site fetch metadata, a Host that is neither an IP address,
// localhost nor one of names) are refused, so a page in a browser on that
// network cannot drive them. A rule set here lives in memory until the next
// change of the partial key.
func AdminHandler(rules *Rules, names ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := localcall.Check(r, names...); err != nil {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, err.Error())
			return
		}
		switch {
		case !IsAdminPath(r.URL.Path):
			http.NotFound(w, r)
		case r.URL.Path == "/config/config-type" && r.Method == http.MethodGet:
			_, _ = io.WriteString(w, Plugin)
		case (r.URL.Path == "/config/update-async" || r.URL.Path == "/config/update-sync") && r.Method == http.MethodPost:
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxAdminBody))
			var big *http.MaxBytesError
			if errors.As(err, &big) {
				http.Error(w, "the rule is larger than 1048576 bytes", http.StatusRequestEntityTooLarge)
				return
			}
			if err == nil {
				err = rules.SetPartial(string(b))
			}
			answer(w, err)
		case (r.URL.Path == "/config/clear-async" || r.URL.Path == "/config/clear-sync") && r.Method == http.MethodPost:
			answer(w, rules.SetPartial(""))
		case r.URL.Path == "/config/view" && r.Method == http.MethodGet:
			global, partial := rules.Texts()
			w.Header().Set("Content-Type", "application/json")
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)                      // rules are XML: keep the view small
			_ = enc.Encode([]string{"", global, partial}) // [local, global, partial]
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

package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// fixedRegistry answers a fixed list of instances, whatever they hold: a
// registry adapter (or a store written by an older version) that did not
// check them.
type fixedRegistry struct{ list []*switchyard.Instance }

func (f *fixedRegistry) Register(context.Context, *switchyard.Instance) (*switchyard.Instance, error) {
	return nil, switchyard.Errorf(switchyard.CodeInvalid, "read-only")
}
func (f *fixedRegistry) Heartbeat(context.Context, string) error  { return nil }
func (f *fixedRegistry) Deregister(context.Context, string) error { return nil }
func (f *fixedRegistry) Instances(_ context.Context, service string) ([]*switchyard.Instance, error) {
	var out []*switchyard.Instance
	for _, in := range f.list {
		if in.Service == service {
			out = append(out, in)
		}
	}
	return out, nil
}
func (f *fixedRegistry) All(context.Context) ([]*switchyard.Instance, error) { return f.list, nil }
func (f *fixedRegistry) Watch(context.Context, string) (<-chan switchyard.RegistryEvent, error) {
	return nil, switchyard.Errorf(switchyard.CodeInvalid, "no watch")
}

// fanOutEnv serves the API over reg and returns its URL and a viewer's token.
func fanOutEnv(t *testing.T, reg switchyard.Registry) (string, string) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := auth.New(st, logger)
	a.Cost = bcrypt.MinCost
	srv := httpapi.New(httpapi.Deps{Store: st, Auth: a, Config: builtin.NewConfigCenter(st, logger), Registry: reg, Logger: logger})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	u, err := a.CreateUser(t.Context(), switchyard.NewUser{Name: "vera", Role: switchyard.RoleViewer, Password: "vera-password"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := a.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return ts.URL, it.Secret
}

func hostPort(t *testing.T, rawURL string) (string, int) {
	t.Helper()
	hp := strings.TrimPrefix(rawURL, "http://")
	i := strings.LastIndexByte(hp, ':')
	port, _ := strconv.Atoi(hp[i+1:])
	return hp[:i], port
}

func viewResults(t *testing.T, base, token, service string) []httpapi.ResultEntity {
	t.Helper()
	code, body := rawDo(t, "GET", base+httpapi.NepxionPrefix+"/config/view/"+service, token, "")
	var out []httpapi.ResultEntity
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("view: %d %s", code, body)
	}
	return out
}

// TestFanOutCallsOnlyCheckedURLs: instances that got into a registry
// without the checks are not called; a valid one is, at its admin port.
func TestFanOutCallsOnlyCheckedURLs(t *testing.T) {
	secret, hits := secretServer(t)
	sh, sp := hostPort(t, secret.URL)
	admin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/config/view" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, `["","<rule/>",""]`)
	}))
	defer admin.Close()
	ah, ap := hostPort(t, admin.URL)
	svc := func(host string, port int, md map[string]string) *switchyard.Instance {
		return &switchyard.Instance{Service: "svc", Type: "service", Host: host, Port: port, Metadata: md}
	}
	reg := &fixedRegistry{list: []*switchyard.Instance{
		svc(sh+":"+strconv.Itoa(sp)+"/secret#", 1, nil),
		svc("x@"+sh+":"+strconv.Itoa(sp), 1, nil),
		svc(sh, sp, map[string]string{switchyard.MetaContextPath: "/secret#"}),
		svc(sh, sp, map[string]string{switchyard.MetaContextPath: "//" + sh + ":" + strconv.Itoa(sp) + "/x"}),
		svc(sh, 1, map[string]string{switchyard.MetaAdminPort: strconv.Itoa(sp) + "/secret#"}),
		svc(sh, sp, map[string]string{switchyard.MetaProtocol: "http://" + sh + ":" + strconv.Itoa(sp) + "/secret#"}),
		svc("169.254.169.254", 80, nil),
		svc("0.0.0.0", sp, nil),
		svc(ah, 1, map[string]string{switchyard.MetaAdminPort: strconv.Itoa(ap)}),
	}}
	base, viewer := fanOutEnv(t, reg)
	out := viewResults(t, base, viewer, "svc")
	if hits.Load() != 0 {
		t.Fatalf("the control plane fetched a smuggled URL %d times: %+v", hits.Load(), out)
	}
	if len(out) != len(reg.list) {
		t.Fatalf("results: %+v", out)
	}
	for _, r := range out[:len(out)-1] {
		if strings.Contains(r.Result, "TOP-SECRET") || !strings.HasPrefix(r.Result, "not called") {
			t.Errorf("instance %s:%d: %q (url %q), want not called", r.Host, r.Port, r.Result, r.URL)
		}
	}
	if last := out[len(out)-1]; last.Result != `["","<rule/>",""]` || last.URL != admin.URL+"/config/view" || last.Port != 1 {
		t.Errorf("the valid instance: %+v", last)
	}
}

// TestFanOutAnswersAreBounded: no redirect is followed, error answers and
// other answers are cut to a small bound, and a view answer is passed on
// only if it is a config view.
func TestFanOutAnswersAreBounded(t *testing.T) {
	secret, hits := secretServer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/redirect/config/view", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, secret.URL+"/secret", http.StatusFound)
	})
	mux.HandleFunc("/error/config/view", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, strings.Repeat("E", 100<<10), http.StatusInternalServerError)
	})
	mux.HandleFunc("/html/config/view", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<html>an internal page</html>")
	})
	mux.HandleFunc("/huge/config/view", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `["`+strings.Repeat("x", 5<<20)+`"]`)
	})
	mux.HandleFunc("/control/config/view", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "\x1b[31mred\x1b[0m", http.StatusBadRequest)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	h, p := hostPort(t, ts.URL)
	var list []*switchyard.Instance
	for _, ctxPath := range []string{"/redirect", "/error", "/html", "/huge", "/control"} {
		list = append(list, &switchyard.Instance{Service: "svc", Type: "service", Host: h, Port: p, Metadata: map[string]string{switchyard.MetaContextPath: ctxPath}})
	}
	base, viewer := fanOutEnv(t, &fixedRegistry{list: list})
	out := viewResults(t, base, viewer, "svc")
	if hits.Load() != 0 {
		t.Fatalf("a redirect was followed: %+v", out[0])
	}
	checks := []func(string) bool{
		func(r string) bool { return strings.HasPrefix(r, "HTTP 302: ") && !strings.Contains(r, "TOP-SECRET") },
		func(r string) bool { return strings.HasPrefix(r, "HTTP 500: EEE") && len(r) < 1100 },
		func(r string) bool {
			return strings.Contains(r, "not a config view") && !strings.Contains(r, "internal page")
		},
		func(r string) bool { return strings.Contains(r, "larger than") && len(r) < 200 },
		func(r string) bool { return strings.HasPrefix(r, "HTTP 400: ") && !strings.Contains(r, "\x1b") },
	}
	for i, ok := range checks {
		if !ok(out[i].Result) {
			r := out[i].Result
			if len(r) > 200 {
				r = r[:200] + "…"
			}
			t.Errorf("%s: result %q", list[i].Metadata[switchyard.MetaContextPath], r)
		}
	}
}

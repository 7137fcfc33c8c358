package gateway_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/rule"
)

// TestPublicListenerServesNoAdminEndpoints: Nepxion's instance admin
// endpoints take no credentials, so the gateway's public listener never
// serves them (they live on --admin-listen): a POST there sets no rule.
func TestPublicListenerServesNoAdminEndpoints(t *testing.T) {
	c := startChain(t, rule.GatewaySwitches{HeaderPriority: true, CoreTransmission: true})
	for _, p := range []string{"/config/update-async", "/config/update-sync", "/config/clear-sync", "/config/view"} {
		resp, err := http.Post(c.gwURL+p, "text/plain", strings.NewReader(`<rule><strategy><version>{"x":"9"}</version></strategy></rule>`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s on the public listener: %d, want 404", p, resp.StatusCode)
		}
	}
	if _, partial := c.rules.Texts(); partial != "" {
		t.Fatalf("the public listener set a rule: %q", partial)
	}
}

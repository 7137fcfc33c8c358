package main

import (
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestInstanceConfigAdminListener: the admin endpoints are on a listener of
// their own whose port is registered; the retired switch that put them on
// the public listener, and an advertised host the registry would refuse,
// stop the process at start naming the key.
func TestInstanceConfigAdminListener(t *testing.T) {
	base := func() instanceConfig {
		c := defaultInstanceConfig()
		c.Service, c.Listen, c.CacheDir = "svc", "127.0.0.1:3001", t.TempDir()
		return c
	}
	for _, tt := range []struct {
		name, key string
		edit      func(*instanceConfig)
	}{
		{"retired admin_endpoints", "admin_endpoints", func(c *instanceConfig) { c.RetiredAdminEndpoints = true }},
		{"bad admin_listen", "admin_listen", func(c *instanceConfig) { c.AdminListen = "nowhere" }},
		{"unspecified advertise", "advertise", func(c *instanceConfig) { c.Listen = "0.0.0.0:3001" }},
		{"advertise smuggling a URL", "advertise", func(c *instanceConfig) { c.Advertise = "a@b:1" }},
	} {
		c := base()
		tt.edit(&c)
		err := c.validate()
		var ce *configError
		if !errors.As(err, &ce) || ce.key != tt.key {
			t.Errorf("%s: %v, want a config error naming %s", tt.name, err, tt.key)
		}
	}
	c := base()
	c.AdminListen = "127.0.0.1:0"
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	self := c.instance(switchyard.TypeService)
	ln, err := c.adminListener(self.Metadata, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := self.Metadata[switchyard.MetaAdminPort]
	if !strings.HasSuffix(ln.Addr().String(), ":"+port) || port == "0" {
		t.Fatalf("registered admin port %q, listening on %s", port, ln.Addr())
	}
	self.Normalize()
	if u, err := self.AdminURL("config/view"); err != nil || u.String() != "http://127.0.0.1:"+port+"/config/view" {
		t.Fatalf("the control plane would call %v (%v)", u, err)
	}
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatal(err)
	}
}

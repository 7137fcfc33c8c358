package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func testNginxConfig(dir string, conditions int) nginxConfig {
	return nginxConfig{Dir: dir, Listen: "127.0.0.1:18080", Workers: 2, Old: "127.0.0.1:18101", New: "127.0.0.1:18102", Conditions: conditions, Keepalive: 64}
}

// TestNginxConfigGolden: the generated files, as reviewed.
func TestNginxConfigGolden(t *testing.T) {
	for _, tt := range []struct {
		golden     string
		conditions int
	}{{"nginx-base.conf", 2}, {"nginx-rules50.conf", 50}} {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := testNginxConfig("/tmp/bench", tt.conditions).render()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
			}
		})
	}
}

// TestNginxConfigDoesTheGatewaysWork checks what the comparison depends on,
// whatever the layout of the file.
func TestNginxConfigDoesTheGatewaysWork(t *testing.T) {
	c := testNginxConfig("/tmp/bench", 50)
	c.User = "root root"
	text, err := c.render()
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{
		`(?m)^worker_processes 2;$`,
		`(?m)^user root root;$`,
		`(?m)^pid /tmp/bench/nginx.pid;$`,
		`(?m)^error_log /tmp/bench/error.log`,
		`access_log off;`,
		`upstream b10 \{\s+server 127.0.0.1:18101;\s+keepalive 64;`,
		`upstream b11 \{\s+server 127.0.0.1:18102;\s+keepalive 64;`,
		`split_clients "\$\{request_id\}" \$gray \{\s+10% b10;\s+\* b11;\s+\}`,
		`map \$http_xyz \$bg0 \{\s+"1.0" b10;\s+"1.1" b11;\s+default \$bg1;\s+\}`,
		`map \$http_bench_h_0 \$bg1 \{\s+"v0" b10;\s+default \$bg2;\s+\}`,
		`map \$http_bench_h_47 \$bg48 \{\s+"v47" b11;\s+default \$gray;\s+\}`,
		`listen 127.0.0.1:18080;`,
		`rewrite \^/b/\(\.\*\)\$ /\$1 break;\s+proxy_pass http://\$bg0;`,
		`proxy_http_version 1.1;`,
		`proxy_set_header Connection "";`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("config lacks %s:\n%s", re, text)
		}
	}
	if got := strings.Count(text, "\n    map "); got != 49 {
		t.Errorf("%d maps; want 49 (xyz, then one per filler header)", got)
	}
	// Every temp path nginx may write is inside the prefix.
	for _, m := range regexp.MustCompile(`(?m)_temp_path (\S+);`).FindAllStringSubmatch(text, -1) {
		if !strings.HasPrefix(m[1], "/tmp/bench/") {
			t.Errorf("temp path %s outside the prefix", m[1])
		}
	}
}

func TestNginxConfigRefusesIncompleteSettings(t *testing.T) {
	c := testNginxConfig("/tmp/bench", 2)
	c.Workers = 0
	if _, err := c.render(); err == nil {
		t.Error("rendered a config with no workers")
	}
}

// TestNginxConfigIsValid asks nginx itself (nginx -t) when it is installed;
// make test does not need it.
func TestNginxConfigIsValid(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			t.Skip("nginx is not installed")
		}
		bin = "/usr/sbin/nginx"
	}
	for _, n := range []int{2, 50} {
		dir := t.TempDir()
		c := testNginxConfig(dir, n)
		c.User = nginxUser()
		text, err := c.render()
		if err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-t", "-q", "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log")).CombinedOutput()
		if err != nil {
			t.Errorf("nginx -t (%d conditions): %v\n%s", n, err, out)
		}
	}
}

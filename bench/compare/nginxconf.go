package main

import (
	"fmt"
	"strings"
	"text/template"
)

// nginxConfig is nginx doing the gateway's work: the same two backends, the
// same blue-green conditions in the same order (a chain of maps, first match
// wins), the same 10/90 gray split for the rest (split_clients on the
// request id, a fresh draw per request), keep-alive connections to the
// backends, and the same path rewrite (/b/x → /x).
type nginxConfig struct {
	// Dir is nginx's prefix: pid file, error log and temp paths live there.
	Dir    string
	Listen string // host:port
	// Workers is worker_processes: one per core.
	Workers int
	// User is "name group" for the user directive when nginx starts as
	// root (its workers would otherwise run as nobody); empty otherwise.
	User string
	// Backends are the addresses (host:port) of the two versions.
	Old, New string
	// Conditions is the number of blue-green conditions (gatewayRule's n).
	Conditions int
	// Keepalive is the idle connections each upstream keeps per worker.
	Keepalive int
}

// nginxMap is one map of the chain: the values of one header, and the next
// map (or the gray split) as its default.
type nginxMap struct {
	Var, Header, Default string
	Entries              []nginxMapEntry
}

type nginxMapEntry struct{ Value, Upstream string }

// upstreamName is the nginx upstream of a version.
func upstreamName(version string) string {
	return "b" + strings.ReplaceAll(version, ".", "")
}

// maps chains the conditions: consecutive conditions on one header share a
// map; each map's default is the next map, the last one's the gray split.
func (c nginxConfig) maps() []nginxMap {
	var out []nginxMap
	for _, cond := range conditions(c.Conditions) {
		header := "$http_" + strings.ReplaceAll(cond.header, "-", "_")
		if len(out) == 0 || out[len(out)-1].Header != header {
			out = append(out, nginxMap{Var: fmt.Sprintf("$bg%d", len(out)), Header: header})
		}
		m := &out[len(out)-1]
		m.Entries = append(m.Entries, nginxMapEntry{cond.value, upstreamName(cond.version)})
	}
	for i := range out {
		out[i].Default = "$gray"
		if i+1 < len(out) {
			out[i].Default = out[i+1].Var
		}
	}
	return out
}

var nginxTemplate = template.Must(template.New("nginx.conf").Parse(`# Written by bench/compare: nginx doing the gateway's work.
worker_processes {{.Workers}};
{{- with .User}}
user {{.}};
{{- end}}
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path {{.Dir}}/client_body;
    proxy_temp_path {{.Dir}}/proxy;
    fastcgi_temp_path {{.Dir}}/fastcgi;
    uwsgi_temp_path {{.Dir}}/uwsgi;
    scgi_temp_path {{.Dir}}/scgi;
    # The gateway keeps a client connection for as long as the client wants.
    keepalive_requests 1000000;
    keepalive_timeout 120s;

    upstream {{.OldUpstream}} {
        server {{.Old}};
        keepalive {{.Keepalive}};
        keepalive_requests 1000000;
    }
    upstream {{.NewUpstream}} {
        server {{.New}};
        keepalive {{.Keepalive}};
        keepalive_requests 1000000;
    }

    # The gray split of the requests no condition matched: {{.GrayOld}} % to {{.OldVersion}}, the rest to {{.NewVersion}}.
    split_clients "${request_id}" $gray {
        {{.GrayOld}}% {{.OldUpstream}};
        * {{.NewUpstream}};
    }

    # The blue-green conditions in the rule's order; the first that matches wins.
{{- range .Maps}}
    map {{.Header}} {{.Var}} {
{{- range .Entries}}
        "{{.Value}}" {{.Upstream}};
{{- end}}
        default {{.Default}};
    }
{{- end}}

    server {
        listen {{.Listen}};
        location /b/ {
            rewrite ^/b/(.*)$ /$1 break;
            proxy_pass http://{{.First}};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
        location / {
            return 404;
        }
    }
}
`))

// render writes the configuration file's text.
func (c nginxConfig) render() (string, error) {
	if c.Workers < 1 || c.Conditions < 2 || c.Keepalive < 1 || c.Dir == "" || c.Listen == "" || c.Old == "" || c.New == "" {
		return "", fmt.Errorf("nginx config: incomplete %+v", c)
	}
	maps := c.maps()
	var b strings.Builder
	err := nginxTemplate.Execute(&b, map[string]any{
		"Workers": c.Workers, "User": c.User, "Dir": c.Dir, "Listen": c.Listen,
		"Old": c.Old, "New": c.New, "Keepalive": c.Keepalive,
		"OldUpstream": upstreamName(oldVersion), "NewUpstream": upstreamName(newVersion),
		"OldVersion": oldVersion, "NewVersion": newVersion, "GrayOld": grayOldPercent,
		"Maps": maps, "First": maps[0].Var,
	})
	if err != nil {
		return "", fmt.Errorf("nginx config: %w", err)
	}
	return b.String(), nil
}

// Package web embeds the built console (web/dist, made by `make ui`) and
// serves it as a single-page app: files by path, index.html for every other
// path so client-side routes survive a reload. A binary built without the UI
// serves a page that says how to build it.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Built reports whether the console was built into this binary.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

// Handler serves the console.
func Handler() http.Handler {
	if !Built() {
		return http.HandlerFunc(notBuilt)
	}
	root, _ := fs.Sub(dist, "dist")
	files := http.FileServerFS(root)
	index, _ := fs.ReadFile(root, "index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(root, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					// Vite names assets by content hash: they never change.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}

func notBuilt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(notBuiltPage))
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>switchyard: console not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>The console is not built into this binary</h1>
<p>This switchyard binary was built without the web console. The API works (see <a href="/api/openapi.json">/api/openapi.json</a>).</p>
<p>To build the console into the binary, run <code>make build</code> (or <code>make ui</code>, then <code>go build ./cmd/switchyard</code>) from the source tree, or start the demo with <code>make demo</code>.</p>
<p lang="zh">此二进制文件未内置控制台。请在源码目录执行 <code>make build</code>（或先 <code>make ui</code> 再 <code>go build ./cmd/switchyard</code>），或用 <code>make demo</code> 启动演示。</p>
</body></html>
`

package httpapi

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// OpenAPI returns the OpenAPI 3.0 document of the route table.
func (s *Server) OpenAPI() map[string]any {
	g := newSchemas()
	errRef := g.of(reflect.TypeFor[ErrorBody]())
	paths := map[string]any{}
	for _, rt := range s.routes {
		p := openAPIPath(rt.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(rt.Method)] = s.operation(g, rt, errRef)
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "switchyard API",
			"version":     s.Version,
			"description": "The control-plane API of switchyard: releases, rules, workflows, identity and audit. Errors are {\"error\":{\"code\",\"message\",\"field\",\"reason\",\"params\"}}. Writes made with the session cookie must send the X-CSRF-Token header.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "an API token (sy_…)"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

var wildcardRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)

// openAPIPath turns a net/http pattern path into an OpenAPI path.
func openAPIPath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return wildcardRE.ReplaceAllString(p, "{$1}")
}

func (s *Server) operation(g *schemas, rt *Route, errRef map[string]any) map[string]any {
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     rt.Summary,
		"tags":        []string{rt.Tag},
		"x-access":    rt.Access.String(),
	}
	if rt.Action != "" {
		op["x-audit-action"] = rt.Action
	}
	if rt.Access == Public {
		op["security"] = []any{}
	}
	if params := parameters(rt); len(params) > 0 {
		op["parameters"] = params
	}
	if body := requestBody(g, rt); body != nil {
		op["requestBody"] = body
	}
	errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
	responses := map[string]any{"default": errResp}
	ok := map[string]any{"description": http.StatusText(status)}
	switch {
	case status == http.StatusNoContent:
	case rt.RawResponse != "":
		ok["content"] = map[string]any{rt.RawResponse: map[string]any{"schema": map[string]any{"type": "string"}}}
	case rt.Out != nil && rt.Out != reflect.TypeFor[NoBody]():
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.of(rt.Out)}}
	}
	responses[strconv.Itoa(status)] = ok
	op["responses"] = responses
	return op
}

func parameters(rt *Route) []any {
	if rt.In == nil {
		return nil
	}
	var out []any
	for _, pa := range planOf(rt.In).params {
		if pa.in == "path" && !strings.Contains(rt.Path, "{"+pa.name+"}") && !strings.Contains(rt.Path, "{"+pa.name+"...}") {
			continue // a shared input type; this route has no such segment
		}
		f := rt.In.FieldByIndex(pa.index)
		schema := newSchemas().of(f.Type)
		if e := f.Tag.Get("enum"); e != "" {
			schema["enum"] = strings.Split(e, ",")
		}
		p := map[string]any{"name": pa.name, "in": pa.in, "schema": schema, "required": pa.in == "path"}
		if pa.doc != "" {
			p["description"] = pa.doc
		}
		out = append(out, p)
	}
	return out
}

func requestBody(g *schemas, rt *Route) map[string]any {
	if rt.RawRequest != "" {
		return map[string]any{"required": true, "content": map[string]any{rt.RawRequest: map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	if rt.In == nil {
		return nil
	}
	if p := planOf(rt.In); p.body >= 0 {
		i := p.body
		return map[string]any{"required": !p.bodyOptional, "content": map[string]any{"application/json": map[string]any{"schema": g.of(rt.In.Field(i).Type)}}}
	}
	return nil
}

// operationID is a stable camelCase name: the method and the path words.
func operationID(rt *Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' }) {
		if part == "api" || part == "{$}" {
			continue
		}
		if strings.HasPrefix(part, "{") {
			part = "By" + strings.Trim(part, "{}.")
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.OpenAPI())
}

// SortedRoutes returns the routes ordered by path and method, for listings.
func (s *Server) SortedRoutes() []*Route {
	out := append([]*Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

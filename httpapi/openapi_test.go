package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDocumentIsValid loads /api/openapi.json with a real OpenAPI 3
// validator and checks every route is described.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	e := newEnv(t)
	resp, body := e.anonymous().do("GET", "/api/openapi.json", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/openapi.json: %d", resp.StatusCode)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	ids := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		p := strings.NewReplacer("{$}", "").Replace(rt.Path)
		p = strings.ReplaceAll(p, "...}", "}")
		item := doc.Paths.Find(p)
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("%s %s is not in the document", rt.Method, rt.Path)
			continue
		}
		id := item.GetOperation(rt.Method).OperationID
		if ids[id] {
			t.Errorf("operationId %s is not unique", id)
		}
		ids[id] = true
	}
	var raw map[string]any
	json.Unmarshal(body, &raw)
	if _, ok := raw["components"].(map[string]any)["schemas"].(map[string]any)["User"]; !ok {
		t.Error("the User schema is missing")
	}
}

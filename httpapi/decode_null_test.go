package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestRefuseNulls: a JSON null where the body's type holds a value (an
// integer, a string, a bool, a struct) is refused naming the field, never
// read as its zero; where the type can be absent it is taken as "none".
func TestRefuseNulls(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type body struct {
		Spec  *switchyard.ReleaseSpec `json:"spec"`
		Name  string                  `json:"name"`
		Ok    bool                    `json:"ok"`
		In    inner                   `json:"in"`
		Ptr   *int                    `json:"ptr"`
		List  []string                `json:"list"`
		Map   map[string]int          `json:"map"`
		Any   any                     `json:"any"`
		Raw   json.RawMessage         `json:"raw"`
		When  time.Time               `json:"when"`
		Items []inner                 `json:"items"`
	}
	for _, tc := range []struct {
		json  string
		field string // "" = accepted
	}{
		{`{"spec":{"grayConditions":[{"expression":"","weight":null}]}}`, "spec.grayConditions[0].weight"},
		{`{"spec":{"grayConditions":[{"expression":null,"weight":5}]}}`, "spec.grayConditions[0].expression"},
		{`{"name":null}`, "name"},
		{`{"NAME":null}`, "NAME"},
		{`{"ok":null}`, "ok"},
		{`{"in":null}`, "in"},
		{`{"items":[{"n":1},{"n":null}]}`, "items[1].n"},
		{`{"map":{"a":null}}`, "map.a"},
		{`{"spec":null,"ptr":null,"list":null,"map":null,"any":null,"raw":null,"when":null,"items":null}`, ""},
		{`{"any":{"x":null,"y":[null]},"raw":{"z":null}}`, ""},
		{`{"spec":{"header":null,"services":null,"grayConditions":[{"expression":"a","weight":0}]}}`, ""},
	} {
		var dst body
		if err := json.Unmarshal([]byte(tc.json), &dst); err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		err := refuseNulls([]byte(tc.json), reflect.TypeOf(&dst))
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.json, err)
			}
			continue
		}
		e := switchyard.AsError(err)
		if e == nil || e.Field != tc.field || e.Reason != "field.type" {
			t.Errorf("%s: got %v, want field.type at %s", tc.json, err, tc.field)
		}
	}
}

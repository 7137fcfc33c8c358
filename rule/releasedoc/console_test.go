package releasedoc

import (
	"strings"
	"testing"
)

// TestReleaseDocMessages covers the document parser and the console's
// stricter checks (seed 003).
func TestReleaseDocMessages(t *testing.T) {
	parseErrors := []struct{ name, yaml, want string }{
		{"unknown key", "services: [a]", "services: Unable to find property 'services'"},
		{"unknown item key", "gray:\n  - weights: [1, 2]", "gray[0].weights: Unable to find property 'weights'"},
		{"weight not an integer", "gray:\n  - weight: [90, \"10\"]", "gray[0].weight[1]: gray[0].weight[1] must be an integer"},
		{"weight float", "gray:\n  - weight: [90.5, 10]", "gray[0].weight[0]: gray[0].weight[0] must be an integer"},
		{"header null", "header:\n  a:", "header.a: header.a must have a value"},
		{"service not a list", "service: a", "service: service must be a list, found a scalar"},
		{"custom tag", "service: !!com.x.Y [a]", "service: Unsupported '!!com.x.Y' type encountered in YAML document"},
		{"duplicate key", "sort: time\nsort: version", "sort: field \"sort\" appears twice"},
	}
	for _, tt := range parseErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseYAML([]byte(tt.yaml))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
	console := []struct{ name, yaml, app, path, reason, msg string }{
		{"no services", "sort: version", "", "service", "service.empty", "service must list at least one service of the release chain"},
		{"entry app listed", "service: [gw, a]", "gw", "service[0]", "service.app", `service[0] "gw" is the entry app of the release; the service list must not contain it`},
		{"duplicate service", "service: [a, a]", "", "service[1]", "service.duplicate", `service[1] "a" is listed twice`},
		{"upper case", "service: [Svc-A]", "", "service[0]", "service.lowercase", `service[0] "Svc-A" must be lower case, as Nepxion service ids are`},
		{"bad sort", "service: [a]\nsort: size", "", "sort", "sort.invalid", `sort must be "version" or "time", found "size"`},
		{"green only", "service: [a]\nblueGreen:\n  - expression: \"#H['a'] == '1'\"\n    route: green", "", "blueGreen", "bluegreen.count", "blueGreen must have exactly two conditions, a green and a blue one, found 1"},
		{"green empty", "service: [a]\nblueGreen:\n  - expression: \" \"\n    route: green\n  - expression: \"#H['a'] == '1'\"\n    route: blue", "", "blueGreen[0].expression", "bluegreen.expression.empty", "blueGreen[0].expression must not be empty"},
		{"same routes", "service: [a]\nblueGreen:\n  - expression: \"#H['a'] == '1'\"\n    route: blue\n  - expression: \"#H['a'] == '2'\"\n    route: Blue", "", "blueGreen[1].route", "bluegreen.route.same", "blueGreen[1].route is blue like blueGreen[0]; one condition must be green and the other blue"},
		{"bad route", "service: [a]\nblueGreen:\n  - expression: \"#H['a'] == '1'\"\n    route: red\n  - expression: \"#H['a'] == '2'\"\n    route: blue", "", "blueGreen[0].route", "bluegreen.route.invalid", `blueGreen[0].route must be "green" or "blue", found "red"`},
		{"same expressions", "service: [a]\nblueGreen:\n  - expression: \"#H['a'] == '1'\"\n    route: green\n  - expression: \"#H['a'] == '1'\"\n    route: blue", "", "blueGreen[1].expression", "bluegreen.same", "blueGreen[1].expression is the same as blueGreen[0].expression; the green and blue conditions must differ"},
		{"bad expression", "service: [a]\ngray:\n  - expression: \"#H['a'] ==\"\n    weight: [50, 50]", "", "gray[0].expression", "expression.syntax", "gray[0].expression is not a valid condition: position"},
		{"same gray", "service: [a]\ngray:\n  - expression: \"#H['a'] == '1'\"\n    weight: [50, 50]\n  - expression: \"#H['a'] == '1'\"\n    weight: [40, 60]", "", "gray[1].expression", "gray.same", "gray[1].expression is the same as gray[0].expression; gray conditions must differ"},
		{"two empty gray", "service: [a]\ngray:\n  - weight: [50, 50]\n  - weight: [40, 60]", "", "gray[1].expression", "gray.basic.multiple", "gray[1].expression is empty like gray[0].expression; only one gray condition may be empty"},
		{"weight count", "service: [a]\ngray:\n  - weight: [100]", "", "gray[0].weight", "gray.weight.count", "gray[0].weight must have two values (old, new), found 1"},
		{"weight range", "service: [a]\ngray:\n  - weight: [-10, 110]", "", "gray[0].weight[0]", "gray.weight.range", "gray[0].weight[0] must be an integer from 0 to 100, found -10"},
		{"weight sum", "service: [a]\ngray:\n  - weight: [50, 60]", "", "gray[0].weight", "gray.weight.sum", "gray[0].weight must add up to 100, found 50+60"},
		{"header spaces", "service: [a]\nheader:\n  xyz: \" 1\"", "", "header.xyz", "header.value.space", "header.xyz must not start or end with spaces"},
	}
	for _, tt := range console {
		t.Run("console "+tt.name, func(t *testing.T) {
			doc, err := ParseYAML([]byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range doc.ValidateConsole(tt.app) {
				if is.Path == tt.path && is.Reason == tt.reason && strings.HasPrefix(is.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("issues:\n%s\nwant %s (%s): %s", doc.ValidateConsole(tt.app).Error(), tt.path, tt.reason, tt.msg)
		})
	}
	t.Run("normalize trims the inner header", func(t *testing.T) {
		doc, _ := ParseYAML([]byte("service: [a]\nheader:\n  \" xyz \": \" 1 \""))
		doc.Normalize()
		if v, _ := doc.Header.Get("xyz"); v != "1" || len(doc.ValidateConsole("")) != 0 {
			t.Fatalf("header = %+v, issues %v", doc.Header, doc.ValidateConsole(""))
		}
	})
}

func TestValidateExpression(t *testing.T) {
	tests := []struct {
		expr, input string
		want        bool
		err         string
	}{
		{"#H['a'] == '1' and #H['b'] == '2'", "a=1;b=2", true, ""},
		{"#H['a'] == '1' and #H['b'] == '2'", " a = 1 ; b=3", false, ""},
		{"#H['a'] != '2'", "", true, ""},
		{"#H['a'] == '1'", "a=", false, "Invalid format for validation input"},
		{"#H['a'] == '1'", "a", false, "Invalid format for validation input"},
	}
	for _, tt := range tests {
		got, err := ValidateExpression(tt.expr, tt.input)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q %q: error %v, want %s", tt.expr, tt.input, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q %q = %t, %v; want %t", tt.expr, tt.input, got, err, tt.want)
		}
	}
}

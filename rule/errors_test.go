package rule

import (
	"strings"
	"testing"
)

func wrap(body string) string { return xmlHead + body + "\n</rule>" }

// TestInvalidRuleMessages asserts the located message of every kind of
// invalid rule: Nepxion's own parser checks first, then ours.
func TestInvalidRuleMessages(t *testing.T) {
	tests := []struct{ name, xml, want string }{
		{"empty", "  ", "Config is null or empty"},
		{"syntax", "<rule><strategy></rule>", "invalid XML: XML syntax error on line 1: element <strategy> closed by </rule>"},
		{"doctype", `<!DOCTYPE rule [<!ENTITY x "y">]><rule/>`, "invalid XML: line 1: DOCTYPE and other directives are not allowed"},
		{"root", "<rules/>", "rules: root element must be [rule], found [rules]"},
		{"two strategy", wrap("<strategy/><strategy/>"), "rule/strategy: Allow only one element[strategy] to be configed"},
		{"two strategy-release", wrap("<strategy-release/><strategy-release/>"), "rule/strategy-release: Allow only one element[strategy-release] to be configed"},
		{"two versions", wrap("<strategy><version>1</version><version>2</version></strategy>"), "rule/strategy/version: Allow only one element[version] to be configed"},
		{"two failover values", wrap("<strategy-failover><zone-failover>a</zone-failover><zone-failover>b</zone-failover></strategy-failover>"), "rule/strategy-failover/zone-failover: Allow only one element[zone-failover] to be configed"},
		{"two blacklist ids", wrap("<strategy-blacklist><id>a</id><id>b</id></strategy-blacklist>"), "rule/strategy-blacklist/id: Allow only one element[id] to be configed"},
		{"black and white", wrap(`<register><blacklist/><whitelist/></register>`), "rule/register/whitelist: Allow only one filter element to be configed, [blacklist] or [whitelist]"},
		{"count not int", wrap(`<register><count filter-value="x"/></register>`), "rule/register/count/@filter-value: Attribute[filter-value] value in element[count] is invalid, must be int type"},
		{"service name missing", wrap(`<register><count><service filter-value="1"/></count></register>`), "rule/register/count/service[0]: Attribute[service-name] in element[service] is missing"},
		{"consumer missing", wrap(`<discovery><version><service provider-service-name="b"/></version></discovery>`), "rule/discovery/version/service[0]: Attribute[consumer-service-name] in element[service] is missing"},
		{"weight type missing", wrap(`<discovery><weight><service provider-service-name="b" provider-weight-value="1.0=1"/></weight></discovery>`), "rule/discovery/weight/service[0]: Attribute[type] in element[service] is missing"},
		{"weight type unknown", wrap(`<discovery><weight><service provider-service-name="b" provider-weight-value="1.0=1" type="zone"/></weight></discovery>`), "rule/discovery/weight/service[0]/@type: No matched type with value=zone"},
		{"two weight versions", wrap(`<discovery><weight><version provider-weight-value="1=1"/><version provider-weight-value="1=1"/></weight></discovery>`), "rule/discovery/weight/version[1]: Allow only one element[version] to be configed"},
		{"conditions type missing", wrap(`<strategy-release><conditions/></strategy-release>`), "rule/strategy-release/conditions: Attribute[type] in element[conditions] is missing"},
		{"conditions type unknown", wrap(`<strategy-release><conditions type="red"/></strategy-release>`), "rule/strategy-release/conditions/@type: No matched type with value=red"},
		{"two blue-green", wrap(`<strategy-release><conditions type="blue-green"/><conditions type="Blue-Green"/></strategy-release>`), "rule/strategy-release/conditions[blue-green]: Allow only one element[conditions] for attribute[type]'s value with 'blue-green' to be configed"},
		{"two gray", wrap(`<strategy-release><conditions type="gray"/><conditions type="gray"/></strategy-release>`), "rule/strategy-release/conditions[gray]: Allow only one element[conditions] for attribute[type]'s value with 'gray' to be configed"},
		{"condition id missing", wrap(`<strategy-release><conditions type="gray"><condition/></conditions></strategy-release>`), "rule/strategy-release/conditions[gray]/condition[0]: Attribute[id] in element[condition] is missing"},
		{"expression and header", wrap(`<strategy-release><conditions type="blue-green"><condition id="a" expression="x" header="y"/></conditions></strategy-release>`), "rule/strategy-release/conditions[blue-green]/condition[0]: Attribute[expression] and [header] in element[condition] are all configed, only one of them exists"},
		{"two routes", wrap(`<strategy-release><routes/><routes/></strategy-release>`), "rule/strategy-release/routes: Allow only one element[routes] to be configed"},
		{"route type unknown", wrap(`<strategy-release><routes><route id="a" type="zone">x</route></routes></strategy-release>`), "rule/strategy-release/routes/route[0]/@type: No matched type with value=zone"},
		{"route id missing", wrap(`<strategy-release><routes><route type="version">x</route></routes></strategy-release>`), "rule/strategy-release/routes/route[0]: Attribute[id] in element[route] is missing"},
		{"two headers", wrap(`<strategy-release><header>{}</header><header>{}</header></strategy-release>`), "rule/strategy-release/header: Allow only one element[header] to be configed"},
		{"header empty", wrap(`<strategy-release><header> </header></strategy-release>`), "rule/strategy-release/header: Json is null or empty"},
		{"header not an object", wrap(`<strategy-release><header>["a"]</header></strategy-release>`), "rule/strategy-release/header: element[header] must be a JSON object, found array"},
		{"header value not a string", wrap(`<strategy-release><header>{"a":1}</header></strategy-release>`), "rule/strategy-release/header.a: value of header [a] must be a string, found number"},
		{"json unknown field", `{"strategyEntity":{"versionValue":"1.0","zoneValue":"z"}}`, `strategyEntity.zoneValue: Unrecognized field "zoneValue"`},
		{"json wrong type", `{"strategyEntity":{"versionValue":1}}`, "strategyEntity.versionValue: must be a string, found number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.xml))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

// TestValidationMessages asserts what Validate (and so Compile) reports for
// rules that parse but cannot work as written.
func TestValidationMessages(t *testing.T) {
	release := func(conds, routes string) string {
		return wrap(`<strategy-release>` + conds + routes + `</strategy-release>`)
	}
	routes := `<routes><route id="v1" type="version">1.0</route><route id="r1" type="region">dev</route></routes>`
	tests := []struct {
		name, xml string
		want      string
		warning   bool
	}{
		{"unknown route id", release(`<conditions type="blue-green"><condition id="c" expression="#H['a'] == '1'" version-id="v9"/></conditions>`, routes),
			"rule/strategy-release/conditions[blue-green]/condition[0]/@version-id: route[v9] of type version is not defined in <routes>", false},
		{"route of another type", release(`<conditions type="blue-green"><condition id="c" expression="#H['a'] == '1'" version-id="r1"/></conditions>`, routes),
			"rule/strategy-release/conditions[blue-green]/condition[0]/@version-id: route[r1] is of type region, not version", false},
		{"gray unknown route id", release(`<conditions type="gray"><condition id="g" version-id="v1=50;v2=50"/></conditions>`, routes),
			"rule/strategy-release/conditions[gray]/condition[0]/@version-id: route[v2] of type version is not defined in <routes>", false},
		{"gray weight not an integer", release(`<conditions type="gray"><condition id="g" version-id="v1=ten"/></conditions>`, routes),
			`rule/strategy-release/conditions[gray]/condition[0]/@version-id: weight "v1=ten" is not an integer (Nepxion reads it as 0)`, false},
		{"gray weights all zero", release(`<conditions type="gray"><condition id="g" version-id="v1=0"/></conditions>`, routes),
			"rule/strategy-release/conditions[gray]/condition[0]/@version-id: Weight values are all <= 0 or invalid format", false},
		{"strategy weight not an integer", wrap(`<strategy><version-weight>{"a":"1.0=x;1.1=10"}</version-weight></strategy>`),
			`rule/strategy/version-weight.a: weight "1.0=x" is not an integer (Nepxion reads it as 0)`, false},
		{"plain region weight not an integer", wrap(`<strategy><region-weight>dev=85.5;qa=15</region-weight></strategy>`),
			`rule/strategy/region-weight: weight "dev=85.5" is not an integer (Nepxion reads it as 0)`, false},
		{"discovery weight not an integer", wrap(`<discovery><weight><region provider-weight-value="dev=x"/></weight></discovery>`),
			`rule/discovery/weight/region/@provider-weight-value: weight "dev=x" is not an integer (Nepxion reads it as 0)`, false},
		{"route value of a service not a string", wrap(`<strategy><version>{"a":1.0}</version></strategy>`),
			"rule/strategy/version.a: the value of service [a] must be a string, found number", false},
		{"no routes after reset", release(`<conditions type="blue-green"><condition id="c" expression="#H['a'] == '1'" version-id="route-0"/></conditions>`, ""),
			"rule/strategy-release/conditions[blue-green]/condition[0]/@version-id: route[route-0] is not defined because there is no <routes>; the condition has no effect", true},
		{"unknown element", wrap(`<strategy-customization/>`), "rule/strategy-customization: unknown element[strategy-customization] is ignored", true},
		{"unknown attribute", release(`<conditions type="gray"><condition id="g" weight="1"/></conditions>`, routes), "rule/strategy-release/conditions[gray]/condition[0]/@weight: unknown attribute[weight] in element[condition] is ignored", true},
		{"second basic", release(`<conditions type="blue-green"><condition id="a" version-id="v1"/><condition id="b" version-id="v1"/></conditions>`, routes),
			"rule/strategy-release/conditions[blue-green]/condition[1]: condition[b] is a second basic condition (no expression); only the first one is used", true},
		{"not JSON", wrap(`<strategy><version>{"a":"1.0"</version></strategy>`), "rule/strategy/version: value looks like JSON but is not a JSON object, so Nepxion applies it as plain text to every service", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseXML([]byte(tt.xml))
			if err != nil {
				t.Fatal(err)
			}
			issues := Validate(r)
			for _, is := range issues {
				if is.Error() == tt.want {
					if is.Warning != tt.warning {
						t.Fatalf("warning = %t, want %t", is.Warning, tt.warning)
					}
					if _, err := Compile(r); (err == nil) == !tt.warning {
						t.Fatalf("Compile error = %v; errors must refuse the rule, warnings not", err)
					}
					return
				}
			}
			t.Fatalf("issues:\n%s\nwant %s", issues.Error(), tt.want)
		})
	}
}

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
			_, err := ParseReleaseYAML([]byte(tt.yaml))
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
			doc, err := ParseReleaseYAML([]byte(tt.yaml))
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
		doc, _ := ParseReleaseYAML([]byte("service: [a]\nheader:\n  \" xyz \": \" 1 \""))
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

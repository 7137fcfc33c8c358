package rule

import "testing"

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

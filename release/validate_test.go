package release_test

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestSeedValidations asserts every validation rule of the release page
// (seed 003, 蓝绿灰度发布条件 and 参与蓝绿灰度发布的服务列表) with the field it
// names, its reason key (which the console translates) and its message.
func TestSeedValidations(t *testing.T) {
	tests := []struct {
		name          string
		edit          func(*switchyard.ReleaseSpec)
		field, reason string
		message       string
	}{
		{"green condition empty", func(s *switchyard.ReleaseSpec) { s.GreenExpression = "  " },
			"spec.greenExpression", "bluegreen.expression.empty", "spec.greenExpression must not be empty"},
		{"blue condition empty", func(s *switchyard.ReleaseSpec) { s.BlueExpression = "" },
			"spec.blueExpression", "bluegreen.expression.empty", "spec.blueExpression must not be empty"},
		{"green and blue the same", func(s *switchyard.ReleaseSpec) { s.BlueExpression = s.GreenExpression },
			"spec.blueExpression", "bluegreen.same", "the green and blue conditions must differ"},
		{"not an expression", func(s *switchyard.ReleaseSpec) { s.BlueExpression = "#H['a'].length() > 1" },
			"spec.blueExpression", "expression.syntax", "method call .length(...) is not supported"},
		{"gray conditions the same", func(s *switchyard.ReleaseSpec) {
			s.GrayConditions = []switchyard.GrayCondition{{Expression: "#H['a'] == '1'", Weight: 10}, {Expression: "#H['a'] == '1'", Weight: 20}}
		}, "spec.grayConditions[1].expression", "gray.same", "gray conditions must differ"},
		{"two empty gray conditions", func(s *switchyard.ReleaseSpec) {
			s.GrayConditions = []switchyard.GrayCondition{{Weight: 10}, {Weight: 20}}
		}, "spec.grayConditions[1].expression", "gray.basic.multiple", "only one gray condition may be empty"},
		{"gray weight above 100", func(s *switchyard.ReleaseSpec) { s.GrayConditions[0].Weight = 101 },
			"spec.grayConditions[0].weight", "gray.weight.range", "must be an integer from 0 to 100"},
		{"gray weight below 0", func(s *switchyard.ReleaseSpec) { s.GrayConditions[1].Weight = -5 },
			"spec.grayConditions[1].weight", "gray.weight.range", "must be an integer from 0 to 100"},
		{"gray enabled without conditions", func(s *switchyard.ReleaseSpec) { s.BlueGreenEnabled, s.GrayConditions = false, nil },
			"spec.grayConditions", "gray.none", "the gray release is enabled but has no condition"},
		{"inner header value blank", func(s *switchyard.ReleaseSpec) { s.HeaderEnabled, s.Header = true, map[string]string{"user": "   "} },
			"spec.header.user", "header.value.empty", "spec.header.user must have a value"},
		{"inner header name with spaces", func(s *switchyard.ReleaseSpec) {
			s.HeaderEnabled, s.Header = true, map[string]string{" user-type ": "vip"}
		},
			"spec.header. user-type ", "header.name.space", `the header name " user-type " starts or ends with spaces; remove them ("user-type")`},
		{"inner header value with spaces", func(s *switchyard.ReleaseSpec) {
			s.HeaderEnabled, s.Header = true, map[string]string{"user-type": "vip "}
		},
			"spec.header.user-type", "header.value.space", `the header value "vip " starts or ends with spaces; remove them ("vip")`},
		{"spaces in a disabled header too", func(s *switchyard.ReleaseSpec) {
			s.HeaderEnabled, s.Header = false, map[string]string{"user-type": " vip"}
		},
			"spec.header.user-type", "header.value.space", `remove them ("vip")`},
		{"a condition with spaces", func(s *switchyard.ReleaseSpec) { s.GreenExpression = " " + s.GreenExpression },
			"spec.greenExpression", "expression.space", "starts or ends with spaces"},
		{"a gray condition with spaces", func(s *switchyard.ReleaseSpec) { s.GrayConditions[0].Expression += " " },
			"spec.grayConditions[0].expression", "expression.space", "starts or ends with spaces"},
		{"a blank gray condition is not the empty one", func(s *switchyard.ReleaseSpec) { s.GrayConditions[1].Expression = "  " },
			"spec.grayConditions[1].expression", "expression.space", `remove them ("")`},
		{"a service with spaces", func(s *switchyard.ReleaseSpec) { s.Services[1] = svcB + " " },
			"spec.services[1]", "service.space", "starts or ends with spaces"},
		{"a service in upper case is not lower-cased", func(s *switchyard.ReleaseSpec) { s.Services[1] = strings.ToUpper(svcB) },
			"spec.services[1]", "service.lowercase", "must be lower case"},
		{"the app among the services", func(s *switchyard.ReleaseSpec) { s.Services = append(s.Services, gwID) },
			"spec.services[2]", "service.app", "is the entry app of the release; the service list must not contain it"},
		{"a service twice", func(s *switchyard.ReleaseSpec) { s.Services = []string{svcA, svcA} },
			"spec.services[1]", "service.duplicate", "is listed twice"},
		{"no service", func(s *switchyard.ReleaseSpec) { s.Services = nil },
			"spec.services", "service.empty", "at least one service"},
		{"no conditions enabled", func(s *switchyard.ReleaseSpec) { s.BlueGreenEnabled, s.GrayEnabled = false, false },
			"spec.blueGreenEnabled", "release.conditions.none", "enable blue-green or gray conditions"},
		{"a service with no instance online", func(s *switchyard.ReleaseSpec) { s.Services = []string{svcA, "discovery-guide-service-z"} },
			"spec.services[1]", "service.offline", "has no instance online"},
		{"bad sort", func(s *switchyard.ReleaseSpec) { s.Sort = "random" },
			"spec.sort", "sort.invalid", `sort must be "version" or "time"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.create(t, "r", alice)
			s := spec()
			tt.edit(&s)
			_, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &s})
			se := switchyard.AsError(err)
			if se == nil {
				t.Fatalf("accepted; want %s on %s", tt.reason, tt.field)
			}
			var hit *switchyard.Error
			for _, d := range append([]*switchyard.Error{se}, se.Details...) {
				if d.Field == tt.field && d.Reason == tt.reason {
					hit = d
				}
			}
			if hit == nil || !strings.Contains(hit.Message, tt.message) {
				t.Fatalf("got %s (%s on %s: %q, details %v); want %s on %s containing %q", se.Code, se.Reason, se.Field, se.Message, se.Details, tt.reason, tt.field, tt.message)
			}
			if r, _ := e.svc.Get(t.Context(), "r"); r.State != switchyard.StateNew || r.Revision != 1 {
				t.Fatalf("a refused operation changed the release: %+v", r.Release)
			}
			if e.stored(t) != "" {
				t.Fatal("a refused operation published something")
			}
		})
	}
}

// TestAllFieldErrorsAtOnce: a form with several mistakes gets them all, so
// the console can mark every field.
func TestAllFieldErrorsAtOnce(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	s := spec()
	s.GreenExpression, s.BlueExpression, s.GrayConditions[0].Weight = "", "", 500
	_, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &s})
	se := switchyard.AsError(err)
	fields := map[string]bool{}
	for _, d := range se.Details {
		fields[d.Field] = true
	}
	for _, f := range []string{"spec.greenExpression", "spec.blueExpression", "spec.grayConditions[0].weight"} {
		if !fields[f] {
			t.Errorf("details lack %s: %v", f, fields)
		}
	}
}

// TestNothingTypedIsTrimmed: text with leading or trailing spaces is
// refused on its field by create, save and every operation — never trimmed
// into something the form does not show ("内置条件，需要首尾判断是否有空格") —
// and a refused form stores and publishes nothing.
func TestNothingTypedIsTrimmed(t *testing.T) {
	e := newEnv(t)
	spaced := spec()
	spaced.HeaderEnabled, spaced.Header = true, map[string]string{" user-type ": "vip"}
	wantRefused := func(what string, err error) {
		t.Helper()
		se := switchyard.AsError(err)
		if se == nil || se.Code != switchyard.CodeInvalid || se.Field != "spec.header. user-type " || se.Reason != "header.name.space" || se.Params["trimmed"] != "user-type" || se.Params["value"] != " user-type " {
			t.Fatalf("%s: %v; want header.name.space on spec.header. user-type  with the trimmed name", what, err)
		}
	}
	_, err := e.svc.Create(t.Context(), alice, switchyard.NewRelease{Name: "r", Subscription: switchyard.Partial, Group: group, App: gwID, Spec: spaced})
	wantRefused("create", err)
	if list, _ := e.svc.List(t.Context(), switchyard.ReleaseFilter{}); len(list) != 0 {
		t.Fatal("a refused create stored the release")
	}
	r := e.create(t, "r", alice)
	_, err = e.svc.Update(t.Context(), alice, "r", switchyard.ReleaseUpdate{Revision: r.Revision, Spec: &spaced})
	wantRefused("save", err)
	for _, op := range []switchyard.Operation{switchyard.OpFallback, switchyard.OpRelease} {
		_, err = e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: op, Spec: &spaced})
		wantRefused(string(op), err)
		_, err = e.svc.Preview(t.Context(), "r", switchyard.OperationRequest{Operation: op, Spec: &spaced})
		wantRefused("preview of "+string(op), err)
	}
	if got, _ := e.svc.Get(t.Context(), "r"); got.Revision != r.Revision || len(got.Spec.Header) != 0 || e.stored(t) != "" {
		t.Fatalf("a refused form changed something: %+v, rule %q", got.Release, e.stored(t))
	}
	// Written without the spaces, the header is published exactly as typed.
	clean := spec()
	clean.HeaderEnabled, clean.Header = true, map[string]string{"user-type": "vip"}
	res, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &clean})
	if err != nil || !strings.Contains(res.XML, `<header>{"user-type":"vip"}</header>`) || res.Release.Spec.Header["user-type"] != "vip" {
		t.Fatalf("clean header: %v\n%v", err, res)
	}
}

func TestCreateValidations(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		nr    switchyard.NewRelease
		field string
	}{
		{"no name", switchyard.NewRelease{Subscription: switchyard.Partial, Group: group, App: gwID}, "name"},
		{"slash in name", switchyard.NewRelease{Name: "a/b", Subscription: switchyard.Partial, Group: group, App: gwID}, "name"},
		{"no subscription", switchyard.NewRelease{Name: "r", Group: group, App: gwID}, "subscription"},
		{"partial without app", switchyard.NewRelease{Name: "r", Subscription: switchyard.Partial, Group: group}, "app"},
		{"no group", switchyard.NewRelease{Name: "r", Subscription: switchyard.Global}, "group"},
		{"weight out of range", switchyard.NewRelease{Name: "r", Subscription: switchyard.Global, Group: group,
			Spec: switchyard.ReleaseSpec{GrayConditions: []switchyard.GrayCondition{{Weight: 200}}}}, "spec.grayConditions[0].weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Create(t.Context(), admin, tt.nr)
			if se := switchyard.AsError(err); se == nil || se.Code != switchyard.CodeInvalid || se.Field != tt.field {
				t.Fatalf("err = %v; want invalid on %s", err, tt.field)
			}
		})
	}
	e.create(t, "first", alice)
	_, err := e.svc.Create(t.Context(), alice, switchyard.NewRelease{Name: "second", Subscription: switchyard.Partial, Group: group, App: gwID})
	if se := switchyard.AsError(err); se == nil || se.Field != "app" || se.Reason != "release.app.taken" {
		t.Fatalf("group + app unique: %v", err)
	}
	if list, _ := e.svc.List(t.Context(), switchyard.ReleaseFilter{}); len(list) != 1 {
		t.Fatalf("refused creates stored something: %d releases", len(list))
	}
}

// TestFallbackChecksTheConditionsToo: the seed checks the conditions before
// 执行兜底 as well, since the form is saved with it.
func TestFallbackChecksTheConditionsToo(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	s := spec()
	s.BlueExpression = s.GreenExpression
	_, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback, Spec: &s})
	if se := switchyard.AsError(err); se == nil || se.Reason != "bluegreen.same" {
		t.Fatalf("fallback with green = blue: %v", err)
	}
	s = spec()
	s.BlueGreenEnabled, s.GrayEnabled = false, false
	if _, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback, Spec: &s}); err != nil {
		t.Fatalf("fallback needs no conditions: %v", err)
	}
}

// TestWeightOutOfRangeIsOneError: the weight as typed, once.
func TestWeightOutOfRangeIsOneError(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	s := spec()
	s.GrayConditions[0].Weight = 130
	_, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &s})
	se := switchyard.AsError(err)
	n := 0
	for _, d := range se.Details {
		if d.Field == "spec.grayConditions[0].weight" {
			n++
			if !strings.Contains(d.Message, "found 130") {
				t.Errorf("message %q must name the value typed", d.Message)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d errors on the weight, want 1: %v", n, se.Details)
	}
}

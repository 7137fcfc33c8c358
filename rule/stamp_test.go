package rule

import (
	"net/http"
	"reflect"
	"testing"
)

// wrappedHeader is a HeaderWriter that is not an http.Header, so that the
// stamping functions go through its methods.
type wrappedHeader struct{ h http.Header }

func (w wrappedHeader) Get(name string) string { return w.h.Get(name) }
func (w wrappedHeader) Set(name, value string) { w.h.Set(name, value) }
func (w wrappedHeader) Del(name string)        { w.h.Del(name) }

// TestStampMapIsMethods: stamping an http.Header through its map gives what
// stamping it through Get, Set and Del gives.
func TestStampMapIsMethods(t *testing.T) {
	c, err := Compile(mustRule(t, wrap(`<strategy><version>1.0</version><region>r</region></strategy><strategy-release><header>{"x-inner":"1","N-D-Version":"inner"}</header></strategy-release>`)))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Decide(nil, nil)
	self := &Instance{Service: "gw", Type: "gateway", Group: "g", Version: "1.1", Zone: "z", Host: "h", Port: 1, Metadata: map[string]string{"spring_application_app_id": "app"}}
	incoming := func() http.Header {
		return http.Header{"N-D-Version": {"2.0"}, "N-D-Region": {""}, "N-D-Env": {"qa"}, "N-D-Service-Id": {"up"}, "N-D-Zone-Failover": {}, "User": {"z"}}
	}
	stamps := map[string]func(HeaderWriter){}
	for _, sw := range []GatewaySwitches{DefaultGatewaySwitches(), {}, {HeaderPriority: true}, {CoreTransmission: true}, {HeaderPriority: true, CoreTransmission: true}} {
		stamps["gateway "+fmtSwitches(sw)] = func(out HeaderWriter) { StampGateway(out, &d, c, self, sw) }
	}
	for _, priority := range []bool{false, true} {
		stamps["service "+fmtBool(priority)] = func(out HeaderWriter) { StampService(out, &d, c, priority) }
	}
	for _, core := range []bool{false, true} {
		stamps["propagate "+fmtBool(core)] = func(out HeaderWriter) {
			Propagate(out, incoming(), self, &d, PropagateSwitches{CoreTransmission: core, ContextHeaders: []string{"user"}})
		}
	}
	for name, stamp := range stamps {
		direct, methods := incoming(), incoming()
		stamp(direct)
		stamp(wrappedHeader{methods})
		if !reflect.DeepEqual(direct, methods) {
			t.Errorf("%s: through the map %v, through the methods %v", name, direct, methods)
		}
	}
}

func fmtSwitches(sw GatewaySwitches) string {
	return fmtBool(sw.HeaderPriority) + fmtBool(sw.OriginalHeaderIgnored) + fmtBool(sw.CoreTransmission)
}

func fmtBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

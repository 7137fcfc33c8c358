package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// bodyReadTimeout bounds the time a request body takes to arrive, counted
// from the start of the request: a client trickling a body byte by byte
// cannot hold a connection and a handler (see limitBodyRead).
var bodyReadTimeout = 30 * time.Second

// param is one parameter field of an In struct.
type param struct {
	index []int
	in    string // "path", "query" or "header"
	name  string
	doc   string
}

// plan says how to fill an In type: its parameters and its Body field.
type plan struct {
	params []param
	body   int // field index of Body, -1 if none
	// bodyOptional: the Body field is tagged body:"optional"; a request
	// without a body leaves it zero.
	bodyOptional bool
}

var plans sync.Map // reflect.Type → *plan

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{body: -1}
	if t.Kind() == reflect.Struct {
		p.collect(t, nil)
	}
	plans.Store(t, p)
	return p
}

// collect finds parameters in t, descending into embedded structs, so
// parameter sets can be shared (e.g. a config key in several inputs).
func (p *plan) collect(t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		switch {
		case f.Name == "Body" && len(prefix) == 0:
			p.body, p.bodyOptional = i, f.Tag.Get("body") == "optional"
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			p.collect(f.Type, index)
		case f.Tag.Get("path") != "":
			p.params = append(p.params, param{index, "path", f.Tag.Get("path"), f.Tag.Get("doc")})
		case f.Tag.Get("query") != "":
			p.params = append(p.params, param{index, "query", f.Tag.Get("query"), f.Tag.Get("doc")})
		case f.Tag.Get("header") != "":
			p.params = append(p.params, param{index, "header", f.Tag.Get("header"), f.Tag.Get("doc")})
		}
	}
}

// decode fills *in from the request: parameters by struct tag, the JSON body
// into the Body field (unknown fields are errors).
func decode(r *http.Request, in any) error {
	v := reflect.ValueOf(in).Elem()
	p := planOf(v.Type())
	q := r.URL.Query()
	for _, pa := range p.params {
		var raw string
		var present bool
		switch pa.in {
		case "path":
			raw = r.PathValue(pa.name)
			present = raw != ""
		case "query":
			raw, present = q.Get(pa.name), q.Has(pa.name)
			if values := q[pa.name]; len(values) > 1 {
				// A list may come repeated (types=a&types=b) or joined (types=a,b).
				raw = strings.Join(values, ",")
			}
		case "header":
			raw = r.Header.Get(pa.name)
			present = raw != ""
		}
		if !present {
			continue
		}
		if err := setParam(v.FieldByIndex(pa.index), raw); err != nil {
			return switchyard.FieldErrorf(pa.name, "param.invalid", "%s parameter %s: %v", pa.in, pa.name, err)
		}
	}
	if p.body < 0 || (p.bodyOptional && r.ContentLength == 0) {
		return nil
	}
	return decodeBody(r, v.Field(p.body).Addr().Interface())
}

func decodeBody(r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return errBodyRequired()
	}
	if err := checkJSONType(r); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return bodyError(err)
	}
	bodyRead(r)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if errors.Is(err, io.EOF) {
		return errBodyRequired()
	}
	if err != nil {
		return bodyError(err)
	}
	if dec.More() {
		return switchyard.Errorf(switchyard.CodeInvalid, "the request body holds more than one JSON value").WithReason("body.invalid", nil)
	}
	return refuseNulls(body, reflect.TypeOf(dst))
}

func errBodyRequired() error {
	return switchyard.Errorf(switchyard.CodeInvalid, "the request needs a JSON body").WithReason("body.required", nil)
}

// checkJSONType refuses a body not declared as JSON. A web page can make a
// browser send a text/plain, form or untyped body to any origin without
// asking (login CSRF); application/json needs a CORS preflight, which this
// server never grants. A request with an Authorization header is exempt:
// no page can add that header cross-site without the same preflight, and
// agents and scripts sending a token need not name the type.
func checkJSONType(r *http.Request) error {
	if r.Header.Get("Authorization") != "" {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		return nil
	}
	got := "none"
	if ct != "" {
		got = strconv.Quote(switchyard.Truncate(ct, 100))
	}
	return switchyard.Errorf(switchyard.CodeInvalid, "the request body must be sent as Content-Type: application/json (got %s)", got).
		WithReason("body.content_type", nil)
}

// readBody reads a raw request body of at most maxBody bytes within the
// body read deadline, and then lifts the deadline: the reader for every
// raw (text) route, through readText. Errors are *switchyard.Error:
// body.too_large, body.timeout.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return nil, bodyError(err)
	}
	bodyRead(r)
	return b, nil
}

type bodyDeadlineKey struct{}

// limitBodyRead gives a request with a body bodyReadTimeout to send it,
// whichever handler reads it — or none, when the server drains an unread
// body after the answer. The readers (decodeBody, readBody) lift the
// deadline once the whole body is in, so a long-running handler is not
// cut; after a failed read it stays, so draining the rest fails fast too.
// Requests without a body (watches, event streams) get no deadline.
func limitBodyRead(w http.ResponseWriter, r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(bodyReadTimeout)) != nil {
		return r // a writer without deadlines (a test recorder)
	}
	lift := func() { _ = rc.SetReadDeadline(time.Time{}) }
	return r.WithContext(context.WithValue(r.Context(), bodyDeadlineKey{}, lift))
}

// bodyRead lifts the body read deadline set by limitBodyRead.
func bodyRead(r *http.Request) {
	if lift, ok := r.Context().Value(bodyDeadlineKey{}).(func()); ok {
		lift()
	}
}

// bodyError explains a JSON decoding error, naming the field when it can.
func bodyError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big):
		return switchyard.Errorf(switchyard.CodeInvalid, "the request body is larger than %d bytes", maxBody).WithReason("body.too_large", nil)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return switchyard.Errorf(switchyard.CodeInvalid, "the request body did not arrive within %s", bodyReadTimeout).
			WithReason("body.timeout", map[string]string{"seconds": strconv.Itoa(int(bodyReadTimeout.Seconds()))})
	case errors.As(err, &syn):
		return switchyard.Errorf(switchyard.CodeInvalid, "the request body is not valid JSON (at byte %d)", syn.Offset).WithReason("body.invalid", nil)
	case errors.As(err, &typ):
		return switchyard.FieldErrorf(typ.Field, "field.type", "%s must be %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value).
			WithReason("field.type", map[string]string{"field": typ.Field, "type": jsonKind(typ.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return switchyard.FieldErrorf(name, "field.unknown", "unknown field %q", name).WithReason("field.unknown", map[string]string{"field": name})
	}
	return switchyard.Errorf(switchyard.CodeInvalid, "the request body cannot be read: %v", err).WithReason("body.invalid", nil)
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// setParam parses raw into the parameter field f.
func setParam(f reflect.Value, raw string) error {
	if f.Type() == reflect.TypeFor[time.Time]() {
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return fmt.Errorf("%q is not an RFC 3339 time", raw)
		}
		f.Set(reflect.ValueOf(t))
		return nil
	}
	switch f.Kind() {
	case reflect.Pointer:
		// An optional parameter: nil when absent.
		v := reflect.New(f.Type().Elem())
		if err := setParam(v.Elem(), raw); err != nil {
			return err
		}
		f.Set(v)
	case reflect.String:
		f.SetString(raw)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", raw)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		f.SetBool(b)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported parameter type %s", f.Type())
		}
		parts := strings.Split(raw, ",")
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported parameter type %s", f.Type())
	}
	return nil
}

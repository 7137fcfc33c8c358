package httpapi

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// refuseNulls walks a body that decoded into a value of type t and refuses
// a JSON null where t holds a value that cannot be absent — a number, a
// string, a bool, a struct — instead of letting the decoder leave its zero
// there: `"weight": null` is not a weight of 0. Pointers, slices, maps and
// interfaces take null as "none"; a type that decodes itself
// (json.Unmarshaler, encoding.TextUnmarshaler) decides for itself. The body
// has already decoded, so it is valid JSON within the decoder's limits.
func refuseNulls(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return nullWalk(dec, t, "")
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decidesItself reports whether t (or *t) decodes JSON with its own code.
func decidesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler)
}

// nullWalk reads one value of the stream, typed t (nil: untyped).
func nullWalk(dec *json.Decoder, t reflect.Type, path string) error {
	nullable := t == nil || !nullRefused(t)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if t != nil && (t.Kind() == reflect.Interface || decidesItself(t)) {
		t = nil
	}
	switch tok := tok.(type) {
	case nil:
		if t != nil && path != "" && !nullable {
			return switchyard.FieldErrorf(path, "field.type", "%s must be %s, not null", path, jsonKind(t)).
				WithReason("field.type", map[string]string{"field": path, "type": jsonKind(t)})
		}
		return nil
	case json.Delim:
		switch tok {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				name, _ := k.(string)
				if err := nullWalk(dec, memberType(t, name), joinPath(path, name)); err != nil {
					return err
				}
			}
		case '[':
			var elem reflect.Type
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				elem = t.Elem()
			}
			for i := 0; dec.More(); i++ {
				if err := nullWalk(dec, elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	}
	return nil
}

// nullRefused: the kinds a JSON null would silently zero.
func nullRefused(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface, reflect.Pointer:
		return false
	}
	return true
}

// memberType is the type the decoder gives an object's member name: a
// struct's field (by its JSON name, case-insensitively as encoding/json
// matches, through embedded structs), a map's element; nil when unknown.
func memberType(t reflect.Type, name string) reflect.Type {
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem()
	case reflect.Struct:
		if f, ok := fieldByJSONName(t, name); ok {
			return f
		}
	}
	return nil
}

func fieldByJSONName(t reflect.Type, name string) (reflect.Type, bool) {
	var fold reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		tagName, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && tagName == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := fieldByJSONName(et, name); ok {
					return ft, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		jn := cmp.Or(tagName, f.Name)
		if jn == name {
			return f.Type, true
		}
		if fold == nil && strings.EqualFold(jn, name) {
			fold = f.Type
		}
	}
	return fold, fold != nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

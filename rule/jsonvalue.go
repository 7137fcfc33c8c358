package rule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jkind is the type of a decoded JSON value.
type jkind int

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is a JSON value that keeps object member order, which Nepxion's
// LinkedHashMaps (and so its output) depend on.
type jvalue struct {
	kind jkind
	str  string // string value, or the literal text of a number
	b    bool
	arr  []jvalue
	obj  []jmember
}

type jmember struct {
	key string
	val jvalue
}

// get returns the member named key.
func (v jvalue) get(key string) (jvalue, bool) {
	for _, m := range v.obj {
		if m.key == key {
			return m.val, true
		}
	}
	return jvalue{}, false
}

func (k jkind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// parseJSON decodes one JSON value; trailing data is an error.
func parseJSON(data []byte) (jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return jvalue{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jvalue{}, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return jvalue{}, errors.New("unexpected end of JSON input")
		}
		return jvalue{}, err
	}
	switch t := tok.(type) {
	case nil:
		return jvalue{kind: jNull}, nil
	case bool:
		return jvalue{kind: jBool, b: t}, nil
	case json.Number:
		return jvalue{kind: jNumber, str: t.String()}, nil
	case string:
		return jvalue{kind: jString, str: t}, nil
	case json.Delim:
		if t == '[' {
			v := jvalue{kind: jArray, arr: []jvalue{}}
			for dec.More() {
				e, err := decodeValue(dec)
				if err != nil {
					return jvalue{}, err
				}
				v.arr = append(v.arr, e)
			}
			_, err := dec.Token()
			return v, err
		}
		v := jvalue{kind: jObject, obj: []jmember{}}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return jvalue{}, err
			}
			key, _ := kt.(string)
			e, err := decodeValue(dec)
			if err != nil {
				return jvalue{}, err
			}
			v.obj = putMember(v.obj, key, e)
		}
		_, err := dec.Token()
		return v, err
	}
	return jvalue{}, fmt.Errorf("unexpected token %v", tok)
}

// putMember is LinkedHashMap.put: a repeated key keeps its first position and
// takes the last value, as Jackson reads maps.
func putMember(obj []jmember, key string, v jvalue) []jmember {
	for i := range obj {
		if obj[i].key == key {
			obj[i].val = v
			return obj
		}
	}
	return append(obj, jmember{key: key, val: v})
}

// appendJSONString writes s as a JSON string the way Jackson does: only '"',
// '\\' and control characters are escaped (no HTML escaping, unlike
// encoding/json), control characters as \b \t \n \f \r or \u00XX.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
	}
	return append(b, '"')
}

// compactStringMap writes an ordered string map as compact JSON, exactly
// Jackson's JsonUtil.toJson of a LinkedHashMap<String,String>.
func compactStringMap(keys, values []string) string {
	b := []byte{'{'}
	for i := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, keys[i])
		b = append(b, ':')
		b = appendJSONString(b, values[i])
	}
	return string(append(b, '}'))
}

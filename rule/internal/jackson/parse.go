package jackson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
)

// Limits are the budgets of one JSON text (the JSON part of rule.Limits).
type Limits struct {
	Depth       int // nesting of arrays and objects
	Nodes       int // values, object keys not counted
	Members     int // members of one object or items of one array
	StringBytes int // one string or key as written
}

// Parse decodes one JSON value within lim; trailing data is an error. A
// document beyond a limit is refused before anything is decoded, with a
// refusal budget.Of recognises.
func Parse(data []byte, lim Limits) (Value, error) {
	if err := shape(data, &lim); err != nil {
		return Value{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0, lim.Depth)
	if err != nil {
		return Value{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Value{}, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// decodeValue decodes the value at depth (shape has checked the budgets;
// the depth check only keeps the recursion bounded whatever happens).
func decodeValue(dec *json.Decoder, depth, maxDepth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, budget.Refuse("", budget.Depth, maxDepth, "the JSON nests deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Value{}, errors.New("unexpected end of JSON input")
		}
		return Value{}, err
	}
	switch t := tok.(type) {
	case nil:
		return Value{Kind: Null}, nil
	case bool:
		return Value{Kind: Boolean, Bool: t}, nil
	case json.Number:
		return Value{Kind: Number, Str: t.String()}, nil
	case string:
		return Value{Kind: String, Str: t}, nil
	case json.Delim:
		if t == '[' {
			v := Value{Kind: Array, Arr: []Value{}}
			for dec.More() {
				e, err := decodeValue(dec, depth+1, maxDepth)
				if err != nil {
					return Value{}, err
				}
				v.Arr = append(v.Arr, e)
			}
			_, err := dec.Token()
			return v, err
		}
		v := Value{Kind: Object, Obj: []Member{}}
		var index keyIndex
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return Value{}, err
			}
			key, _ := kt.(string)
			e, err := decodeValue(dec, depth+1, maxDepth)
			if err != nil {
				return Value{}, err
			}
			v.Obj = index.put(v.Obj, key, e)
		}
		_, err := dec.Token()
		return v, err
	}
	return Value{}, fmt.Errorf("unexpected token %v", tok)
}

// keyIndex finds the members of an object being decoded by key: a scan
// while the object is small, a map once it grows, so that decoding an
// object of n members costs O(n), not O(n²).
type keyIndex struct{ m map[string]int }

// indexFrom is the size from which members are found through the map.
const indexFrom = 16

// put is LinkedHashMap.put: a repeated key keeps its first position and
// takes the last value, as Jackson reads maps.
func (x *keyIndex) put(obj []Member, key string, v Value) []Member {
	if x.m == nil && len(obj) >= indexFrom {
		x.m = make(map[string]int, 2*len(obj))
		for i, m := range obj {
			x.m[m.Key] = i
		}
	}
	if x.m != nil {
		if i, ok := x.m[key]; ok {
			obj[i].Value = v
			return obj
		}
		x.m[key] = len(obj)
		return append(obj, Member{Key: key, Value: v})
	}
	for i := range obj {
		if obj[i].Key == key {
			obj[i].Value = v
			return obj
		}
	}
	return append(obj, Member{Key: key, Value: v})
}

// Package jackson reads and writes JSON the way Nepxion's Jackson does, for
// the rule codec (package rule) and the console's release documents
// (rule/releasedoc): objects keep their member order, as the
// LinkedHashMaps that Nepxion's output depends on do, a repeated key keeps
// its first position and takes the last value, and strings are escaped as
// Jackson escapes them. Parse keeps the budgets it is given (rule.Limits)
// and refuses a document beyond one before it decodes anything.
package jackson

// Kind is the type of a decoded JSON value.
type Kind int

// The kinds of JSON values.
const (
	Null Kind = iota
	Boolean
	Number
	String
	Array
	Object
)

// String names the kind as error messages do.
func (k Kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// Value is a JSON value that keeps object member order. The zero Value is
// null.
type Value struct {
	Kind Kind
	Str  string // string value, or the literal text of a number
	Bool bool
	Arr  []Value
	Obj  []Member
}

// Member is one member of an object.
type Member struct {
	Key   string
	Value Value
}

// Get returns the member named key.
func (v Value) Get(key string) (Value, bool) {
	for _, m := range v.Obj {
		if m.Key == key {
			return m.Value, true
		}
	}
	return Value{}, false
}

package rule

// Linear-time builders for the ordered maps Nepxion's rules hold. Nepxion
// fills LinkedHashMaps; a list with a scan per insertion would cost O(n²) on
// a document with many keys, which is how 120k keys once took 36 s.

// headerBuilder builds a StrategyHeader like repeated Set calls on an empty
// header: names compare case-insensitively (ASCII), a repeated name with
// the same spelling replaces the value in place, with another spelling it
// moves to the end under the new spelling.
type headerBuilder struct {
	entries []HeaderEntry
	dead    []bool         // entries moved to the end
	at      map[string]int // folded name → live entry
	removed int
}

func (b *headerBuilder) set(name, value string) {
	if b.at == nil {
		b.at = map[string]int{}
	}
	key := foldASCII(name)
	if i, ok := b.at[key]; ok {
		if b.entries[i].Name == name {
			b.entries[i].Value = value
			return
		}
		b.dead[i] = true
		b.removed++
	}
	b.at[key] = len(b.entries)
	b.entries = append(b.entries, HeaderEntry{Name: name, Value: value})
	b.dead = append(b.dead, false)
}

// header returns the built header (never nil).
func (b *headerBuilder) header() *StrategyHeader {
	h := &StrategyHeader{}
	if len(b.entries) > 0 {
		h.Entries = make([]HeaderEntry, 0, len(b.entries)-b.removed)
	}
	for i, e := range b.entries {
		if !b.dead[i] {
			h.Entries = append(h.Entries, e)
		}
	}
	return h
}

// NewStrategyHeader returns the header that setting each entry in turn on an
// empty header gives (StrategyHeader.Set, Spring's
// LinkedCaseInsensitiveMap.put), built in time linear in the entries.
func NewStrategyHeader(entries []HeaderEntry) *StrategyHeader {
	var b headerBuilder
	for _, e := range entries {
		b.set(e.Name, e.Value)
	}
	return b.header()
}

// foldASCII lowercases ASCII letters only, as equalFoldASCII compares.
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// positions finds the entry of a key in a list being built: a scan while
// the list is short, a map once it grows (keys are unique in the list).
type positions struct{ m map[string]int }

// indexFrom is the length from which positions finds keys through the map.
const indexFrom = 16

// find returns the position of key among n entries whose keys keyAt gives.
func (p *positions) find(n int, keyAt func(int) string, key string) (int, bool) {
	if p.m == nil && n >= indexFrom {
		p.m = make(map[string]int, 2*n)
		for i := range n {
			if _, dup := p.m[keyAt(i)]; !dup {
				p.m[keyAt(i)] = i
			}
		}
	}
	if p.m != nil {
		i, ok := p.m[key]
		return i, ok
	}
	for i := range n {
		if keyAt(i) == key {
			return i, true
		}
	}
	return 0, false
}

// added records that key is now at position i.
func (p *positions) added(key string, i int) {
	if p.m != nil {
		p.m[key] = i
	}
}

// grouped collects entries by key, the groups in the order their keys first
// appear: what Nepxion's "insert after the last entry of the same key"
// gives a list built from empty, in O(n).
type grouped[T any] struct {
	order []string
	items map[string][]T
}

func (g *grouped[T]) add(key string, v T) {
	if g.items == nil {
		g.items = map[string][]T{}
	}
	if _, ok := g.items[key]; !ok {
		g.order = append(g.order, key)
	}
	g.items[key] = append(g.items[key], v)
}

// appendTo appends every entry, group by group, to dst.
func (g *grouped[T]) appendTo(dst []T) []T {
	for _, k := range g.order {
		dst = append(dst, g.items[k]...)
	}
	return dst
}

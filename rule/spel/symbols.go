package spel

// Symbols maps the #H names of the expressions of one rule to dense slots
// 0..Len()-1, so that a caller can fetch each request value once and serve
// every expression of the rule from a slice indexed by slot.
//
// A Symbols table grows as expressions are compiled against it; it is not
// safe for concurrent CompileShared calls. Reading it (Len, Name, Slot) while
// no compilation runs is safe from any number of goroutines.
type Symbols struct {
	names []string
	index map[string]int
	// regexInsts counts the program instructions of every matches pattern
	// compiled against the table, for Limits.RegexTotal.
	regexInsts int
}

// NewSymbols returns an empty table.
func NewSymbols() *Symbols { return &Symbols{index: make(map[string]int)} }

// Len is the number of slots, one per distinct name.
func (s *Symbols) Len() int { return len(s.names) }

// Name is the #H name of slot, or "" if slot is out of range.
func (s *Symbols) Name(slot int) string {
	name, _ := s.lookup(slot)
	return name
}

// Slot is the slot of name, if any expression compiled against s reads it.
func (s *Symbols) Slot(name string) (int, bool) {
	slot, ok := s.index[name]
	return slot, ok
}

func (s *Symbols) lookup(slot int) (string, bool) {
	if slot < 0 || slot >= len(s.names) {
		return "", false
	}
	return s.names[slot], true
}

// add returns the slot of name, creating it if needed.
func (s *Symbols) add(name string) int {
	if slot, ok := s.index[name]; ok {
		return slot
	}
	if s.index == nil {
		s.index = make(map[string]int)
	}
	s.index[name] = len(s.names)
	s.names = append(s.names, name)
	return len(s.names) - 1
}

package rule

import (
	"net/http"
	"net/textproto"
	"unicode"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// Scanner is an optional interface of a Request that reports all its query
// parameters, or all its cookies, in one pass. Decide uses it when the
// request implements it: a rule reading k names then scans the query string
// and the cookies once per request, not k times. A scan must give what Param
// and Cookie give: for every name, the value of its first occurrence.
// HTTPRequest implements it.
type Scanner interface {
	// ScanParams passes each query parameter, in order, to w: its decoded
	// name to w.Slot and, when that returns a slot ≥ 0, the slot and its
	// decoded value to w.Set. It may stop as soon as w.Full().
	ScanParams(w *Wanted)
	// ScanCookies does the same with the cookies, in order.
	ScanCookies(w *Wanted)
}

// Wanted collects, for one request, the values a rule's expressions read
// from one source (the query parameters or the cookies): a Scanner offers it
// every name it finds, and it keeps the first value of each name the rule
// reads. Decide owns it; a Scanner uses it only during the call it was
// passed to.
type Wanted struct {
	names *varIndex
	vals  [maxMemo]string
	seen  uint64 // slots whose value is set
	all   uint64 // every slot the scan fills
}

// Slot returns where the value of name goes, or -1 when the rule reads no
// variable name or already has its value (only the first occurrence
// counts).
func (w *Wanted) Slot(name string) int {
	i := w.names.slot(name)
	if i < 0 || i >= maxMemo || w.seen&(1<<i) != 0 {
		return -1
	}
	return i
}

// Set records the value of the slot Slot returned; later values of the
// same slot are ignored.
func (w *Wanted) Set(slot int, value string) {
	if slot < 0 || slot >= maxMemo || w.seen&(1<<slot) != 0 {
		return
	}
	w.vals[slot] = value
	w.seen |= 1 << slot
}

// Full reports whether every name the rule reads has its value, so that
// the rest of the source can be skipped.
func (w *Wanted) Full() bool { return w.seen == w.all }

// reset empties w for the rule's names.
func (w *Wanted) reset(names *varIndex) {
	w.names, w.seen = names, 0
	w.all = 1<<min(len(names.names), maxMemo) - 1
	if len(names.names) >= 64 {
		w.all = ^uint64(0)
	}
}

// get returns the value of slot, "" when the source has none.
func (w *Wanted) get(slot int) string {
	if w.seen&(1<<slot) == 0 {
		return ""
	}
	return w.vals[slot]
}

// varIndex finds the slot of a variable name: a scan of the names while
// they are few, a map beyond.
type varIndex struct {
	names  []string       // by slot
	canon  []string       // by slot: the canonical MIME form, for header lookups
	lens   uint64         // bit n: some name has n bytes (63: 63 or more)
	byLen  [64][]int      // the slots by the length of their name (63: 63 or more)
	bySlot map[string]int // nil for few names
}

// linearNames is how many names are found by comparing each.
const linearNames = 8

// newVarIndex indexes the names of the slots 0..len(names)-1.
func newVarIndex(names []string) varIndex {
	x := varIndex{names: names, canon: make([]string, len(names))}
	for i := range x.names {
		x.canon[i] = textproto.CanonicalMIMEHeaderKey(x.names[i])
		x.lens |= lenBit(len(x.canon[i]))
		x.byLen[min(len(x.canon[i]), 63)] = append(x.byLen[min(len(x.canon[i]), 63)], i)
	}
	if len(x.names) > linearNames {
		x.bySlot = make(map[string]int, len(x.names))
		for i, n := range x.names {
			x.bySlot[n] = i
		}
	}
	return x
}

func lenBit(n int) uint64 { return 1 << min(n, 63) }

func (x *varIndex) slot(name string) int {
	if x.bySlot != nil {
		if i, ok := x.bySlot[name]; ok {
			return i
		}
		return -1
	}
	for i, n := range x.names {
		if len(n) == len(name) && n == name {
			return i
		}
	}
	return -1
}

// Var implements spel.Vars.
func (e *evaluator) Var(slot int) (string, bool) {
	if uint(slot) < maxMemo {
		if st := e.varState[slot]; st != 0 {
			return e.vals[slot], st == 2 // vals holds "" for null
		}
	}
	return e.resolve(slot)
}

// resolve looks the variable of slot up and remembers it.
func (e *evaluator) resolve(slot int) (string, bool) {
	v, ok := e.lookup(slot)
	if slot < maxMemo {
		e.vals[slot] = v
		e.varState[slot] = 1
		if ok {
			e.varState[slot] = 2
		}
	}
	return v, ok
}

// lookup is Nepxion's ExpressionStrategyCondition.createMap for one name:
// the first non-blank of query parameter, cookie, header and inner header.
func (e *evaluator) lookup(slot int) (string, bool) {
	if e.req != nil {
		if v := e.param(slot); !isBlank(v) {
			return v, true
		}
		if v := e.cookie(slot); !isBlank(v) {
			return v, true
		}
		if v := e.header(slot); !isBlank(v) {
			return v, true
		}
	}
	if v, ok := e.c.inner.Get(e.c.vars.names[slot]); ok && !isBlank(v) {
		return v, true
	}
	return "", false
}

// The sources an evaluator has scanned (evaluator.scanned).
const (
	scannedParams uint8 = 1 << iota
	scannedCookies
	scannedHeaders
)

// param is the query parameter of slot: from one scan of them all when the
// request is a Scanner.
func (e *evaluator) param(slot int) string {
	if e.scan == nil || slot >= maxMemo {
		return e.req.Param(e.c.vars.names[slot])
	}
	if e.scanned&scannedParams == 0 {
		e.scanned |= scannedParams
		e.params.reset(&e.c.vars)
		e.scan.ScanParams(&e.params)
	}
	return e.params.get(slot)
}

// cookie is the cookie of slot, like param.
func (e *evaluator) cookie(slot int) string {
	if e.scan == nil || slot >= maxMemo {
		return e.req.Cookie(e.c.vars.names[slot])
	}
	if e.scanned&scannedCookies == 0 {
		e.scanned |= scannedCookies
		e.cookies.reset(&e.c.vars)
		e.scan.ScanCookies(&e.cookies)
	}
	return e.cookies.get(slot)
}

// header is the header of slot. For an HTTPRequest it is
// HTTPRequest.Header(name) with the map walk done at most once per request:
// the canonical name is looked up while every lookup hits; the first miss
// walks the map once for every name (walkHeaders).
func (e *evaluator) header(slot int) string {
	name := e.c.vars.canon[slot]
	switch {
	case e.httpHeader == nil:
		return e.req.Header(name)
	case slot >= maxMemo:
		return HTTPRequest{R: e.httpReq}.Header(name)
	case e.scanned&scannedHeaders != 0:
		return e.headers[slot]
	}
	if v := e.httpHeader[name]; len(v) > 0 {
		return v[0]
	}
	e.walkHeaders()
	return e.headers[slot]
}

// walkHeaders finds, in one walk of the header map, the value
// HTTPRequest.Header gives the canonical name of every slot: the value
// stored under the name itself, else the first under a name equal to it
// ignoring case. Only map names of the length of a slot's name are
// compared.
func (e *evaluator) walkHeaders() {
	e.scanned |= scannedHeaders
	x := &e.c.vars
	n := min(len(x.canon), maxMemo)
	var exact, found uint64
	for k, v := range e.httpHeader {
		if len(v) == 0 || x.lens&lenBit(len(k)) == 0 {
			continue
		}
		for _, s := range x.byLen[min(len(k), 63)] {
			switch name := x.canon[s]; {
			case s >= n || len(name) != len(k) || exact&(1<<s) != 0:
			case name == k:
				e.headers[s] = v[0]
				exact |= 1 << s
				found |= 1 << s
			case found&(1<<s) == 0 && ascii.EqualFold(k, name):
				e.headers[s] = v[0]
				found |= 1 << s
			}
		}
	}
	for s := range n {
		if found&(1<<s) == 0 {
			e.headers[s] = ""
		}
	}
}

// isBlank is StringUtils.isBlank: empty or only whitespace.
func isBlank(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < 0x80 {
		return false // no ASCII byte above the space is a space
	}
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// httpRequestOf returns the request and headers of an HTTPRequest, for the
// header lookups of header.
func httpRequestOf(req Request) (*http.Request, http.Header) {
	if h, ok := req.(HTTPRequest); ok && h.R != nil {
		return h.R, h.R.Header
	}
	return nil, nil
}

package rule

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// splitList splits a ";" list like Nepxion's StringUtil.splitToList
// (StringUtils.splitByWholeSeparator): empty tokens vanish, nothing is trimmed,
// and an empty value gives nil.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for tok := range strings.SplitSeq(s, ";") {
		if tok != "" {
			out = append(out, tok)
		}
	}
	return out
}

// joinList is Nepxion's StringUtil.convertToString for lists.
func joinList(l []string) string { return strings.Join(l, ";") }

// parseWeights reads "k=v;k=v" like Nepxion's WeightEntityWrapper.parseWeightEntity:
// a value that is not an integer counts as 0, a negative one as 0, and a
// repeated key replaces the earlier value in place (LinkedHashMap.put).
func parseWeights(s string) WeightMap {
	var b weightsBuilder
	for _, tok := range splitList(s) {
		parts := splitNonEmpty(tok, '=')
		w := Weight{}
		if len(parts) > 0 {
			w.Key = strings.TrimSpace(parts[0])
		}
		if len(parts) > 1 {
			v, ok := parseJavaInt(strings.TrimSpace(parts[1]))
			if ok {
				w.Value = max(v, 0)
			} else {
				w.Invalid = tok
			}
		} else {
			w.Invalid = tok
		}
		b.put(w)
	}
	return b.weights()
}

// weightsBuilder builds a WeightMap like LinkedHashMap.put: a repeated key
// replaces the value of the existing one, keeping its position.
type weightsBuilder struct {
	m   WeightMap
	pos positions
}

func (b *weightsBuilder) put(w Weight) {
	if i, ok := b.pos.find(len(b.m), func(i int) string { return b.m[i].Key }, w.Key); ok {
		b.m[i].Value, b.m[i].Invalid = w.Value, w.Invalid
		return
	}
	b.pos.added(w.Key, len(b.m))
	b.m = append(b.m, w)
}

// weights returns the map built (never nil).
func (b *weightsBuilder) weights() WeightMap {
	if b.m == nil {
		return WeightMap{}
	}
	return b.m
}

// String formats the map as Nepxion writes it: "k=v;k=v". An entry without
// key (from a token like "=", which Nepxion fails on) is left out.
func (m WeightMap) String() string {
	var b strings.Builder
	for _, w := range m {
		if w.Key == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(w.Key)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(w.Value))
	}
	return b.String()
}

// Get returns the weight of key and whether it is present.
func (m WeightMap) Get(key string) (int, bool) {
	for _, w := range m {
		if w.Key == key {
			return w.Value, true
		}
	}
	return 0, false
}

// splitNonEmpty is commons-lang StringUtils.split(s, char): runs between
// separators, empty runs dropped.
func splitNonEmpty(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == sep {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// parseJavaInt accepts what Java's Integer.valueOf accepts for ASCII input:
// an optional sign and decimal digits within int32.
func parseJavaInt(s string) (int, bool) {
	if s == "" || s == "+" || s == "-" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// javaTrim is String.trim: it strips every char <= ' ' at both ends.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// textTrim is dom4j's Element.getTextTrim: whitespace (space, tab, newline,
// carriage return, form feed) is trimmed at both ends and every inner run is
// collapsed to one space.
func textTrim(s string) string {
	var b strings.Builder
	word := false
	for _, f := range strings.FieldsFunc(s, isTokenizerSpace) {
		if word {
			b.WriteByte(' ')
		}
		b.WriteString(f)
		word = true
	}
	return b.String()
}

func isTokenizerSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// javaCompare orders strings like Java's String.compareTo: by UTF-16 code
// units, which differs from Go's byte order only above U+FFFF. It does not
// allocate.
func javaCompare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		a, b = a[na:], b[nb:]
		if ra == rb {
			continue
		}
		ha, la := utf16Pair(ra)
		hb, lb := utf16Pair(rb)
		if ha != hb {
			return int(ha) - int(hb)
		}
		return int(la) - int(lb)
	}
	return len(a) - len(b)
}

// utf16Pair returns the first and second UTF-16 code unit of r (second 0
// when r fits in one unit).
func utf16Pair(r rune) (uint16, uint16) {
	if r < 0x10000 {
		return uint16(r), 0
	}
	r -= 0x10000
	return uint16(0xD800 + (r >> 10)), uint16(0xDC00 + (r & 0x3FF))
}

package releasedoc

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// Doc is the console's version-release document ("链路智能编排",
// Nepxion's ConditionStrategy): the services of the release chain, the
// blue-green and gray conditions, the inner header and how versions sort.
// It is read from YAML (ParseYAML) or JSON (ParseJSON).
type Doc struct {
	Service   []string
	BlueGreen []BlueGreenItem
	Gray      []GrayItem
	Header    *rule.StrategyHeader // nil when absent
	Sort      string               // "version" (default) or "time", case-insensitive

	sortNull bool // an explicit null sort, which Nepxion rejects
}

// BlueGreenItem is one blue-green condition: Route is "green" (the old,
// stable chain) or "blue" (the new chain), case-insensitive.
type BlueGreenItem struct {
	Expression string
	Route      string

	routeNull bool
}

// GrayItem is one gray condition: Weight[0] is the old chain's weight,
// Weight[1] the new chain's. An item without expression is the gray basic
// (兜底) condition.
type GrayItem struct {
	Expression string
	Weight     []int // nil when absent
}

// RecreateDoc is the recreate document (Nepxion's ConditionRouteStrategy):
// rebuild the release for the current online versions from the stored
// conditions; Condition says whether routes are created too.
type RecreateDoc struct {
	Service   []string
	Condition bool
	Sort      string

	sortNull bool
}

// sortType is VersionSortType.fromString.
func sortType(s string, null bool) (rule.SortType, error) {
	if null {
		return "", nepxionError("release.sort.invalid", "No matched type with value=null")
	}
	switch strings.ToLower(s) {
	case "version":
		return rule.SortByVersion, nil
	case "time":
		return rule.SortByTime, nil
	}
	return "", nepxionError("release.sort.invalid", "No matched type with value="+s)
}

// JSON writes the document as Nepxion's console returns a ConditionStrategy
// (Jackson, compact, unset fields as null): the get-version-release and
// deparse answers.
func (d *Doc) JSON() []byte {
	b := []byte(`{"service":`)
	b = appendStringsOrNull(b, d.Service)
	b = append(b, `,"blueGreen":`...)
	if d.BlueGreen == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, it := range d.BlueGreen {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"expression":`...)
			b = appendStringOrNull(b, it.Expression)
			b = append(b, `,"route":`...)
			b = appendStringOrNull(b, it.Route)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"gray":`...)
	if d.Gray == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, it := range d.Gray {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"expression":`...)
			b = appendStringOrNull(b, it.Expression)
			b = append(b, `,"weight":`...)
			if it.Weight == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '[')
				for j, w := range it.Weight {
					if j > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendInt(b, int64(w), 10)
				}
				b = append(b, ']')
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"header":`...)
	if d.Header == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, d.Header.JSON()...)
	}
	b = append(b, `,"sort":`...)
	b = appendStringOrNull(b, d.Sort)
	return append(b, '}')
}

func appendStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return jackson.AppendString(b, s)
}

func appendStringsOrNull(b []byte, l []string) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = jackson.AppendString(b, s)
	}
	return append(b, ']')
}

// YAML writes the document in the layout of Nepxion's samples (sample.yaml),
// for people to read and edit; ParseYAML reads it back.
func (d *Doc) YAML() []byte {
	var b strings.Builder
	if d.Service != nil && len(d.Service) == 0 {
		b.WriteString("service: []\n")
	} else if d.Service != nil {
		b.WriteString("service:\n")
		for _, s := range d.Service {
			b.WriteString("  - " + yamlScalar(s) + "\n")
		}
	}
	if d.BlueGreen != nil && len(d.BlueGreen) == 0 {
		b.WriteString("blueGreen: []\n")
	} else if d.BlueGreen != nil {
		b.WriteString("blueGreen:\n")
		for _, it := range d.BlueGreen {
			b.WriteString("  - expression: " + yamlScalar(it.Expression) + "\n")
			b.WriteString("    route: " + yamlScalar(it.Route) + "\n")
		}
	}
	if d.Gray != nil && len(d.Gray) == 0 {
		b.WriteString("gray: []\n")
	} else if d.Gray != nil {
		b.WriteString("gray:\n")
		for _, it := range d.Gray {
			prefix := "  - "
			if it.Expression != "" {
				b.WriteString(prefix + "expression: " + yamlScalar(it.Expression) + "\n")
				prefix = "    "
			}
			if it.Weight == nil {
				if prefix == "  - " {
					b.WriteString("  - {}\n")
				}
				continue
			}
			if len(it.Weight) == 0 {
				b.WriteString(prefix + "weight: []\n")
				continue
			}
			b.WriteString(prefix + "weight:\n")
			for _, w := range it.Weight {
				b.WriteString("      - " + strconv.Itoa(w) + "\n")
			}
		}
	}
	if d.Header != nil && len(d.Header.Entries) == 0 {
		b.WriteString("header: {}\n")
	} else if d.Header != nil {
		b.WriteString("header:\n")
		for _, e := range d.Header.Entries {
			b.WriteString("  " + yamlScalar(e.Name) + ": " + yamlScalar(e.Value) + "\n")
		}
	}
	b.WriteString("sort: " + yamlScalar(d.Sort) + "\n")
	return []byte(b.String())
}

// yamlScalar quotes s with double quotes unless it is a plain safe word.
func yamlScalar(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			safe = false
			break
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
		safe = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		safe = false
	}
	if safe {
		return s
	}
	return string(jackson.AppendString(nil, s))
}
